/**
 * The nesting limit. The parser, the AST builder and the phases after them recurse once per
 * level of braces, brackets, parentheses and `not`s, so a deep enough input would overflow the
 * stack; the token stream is measured before parsing and refused past MAX_NESTING levels.
 */
import type { IToken } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';

/** Far beyond any real experiment (about 5 levels), far below a stack overflow (about 1,000). */
export const MAX_NESTING = 100;

const OPENERS = new Set([T.LCurly, T.LBracket, T.LParen]);
const CLOSERS = new Set([T.RCurly, T.RBracket, T.RParen]);

/** The first token that opens a level beyond MAX_NESTING, or undefined. */
export function tooDeep(tokens: readonly IToken[]): IToken | undefined {
  // Open levels: an opener, or a `not` whose operand has not started yet (`not not (a == 1)`).
  const open: Array<'bracket' | 'not'> = [];
  const dropNots = () => {
    while (open[open.length - 1] === 'not') open.pop();
  };
  for (const token of tokens) {
    if (OPENERS.has(token.tokenType) || token.tokenType === T.Not) {
      open.push(token.tokenType === T.Not ? 'not' : 'bracket');
      if (open.length > MAX_NESTING) return token;
    } else if (CLOSERS.has(token.tokenType)) {
      dropNots();
      open.pop();
      // The `not`s before a parenthesised operand end with it.
      dropNots();
    } else {
      dropNots();
    }
  }
  return undefined;
}
