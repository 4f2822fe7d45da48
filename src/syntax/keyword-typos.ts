/**
 * Misspelt keywords of declarations (`experment`, `improt`, `extend`, `off`): the lexer reads them
 * as names, and the parser could only say what token it expected. Where the grammar allows a
 * keyword but no name, a name close to one of those keywords is reported once with the keyword
 * to write, and read as that keyword, so that the rest of the declaration parses as meant
 * instead of cascading into false errors (a grid base named `off`).
 */
import type { IToken, TokenType } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';
import { DECLARATION_EXPECTED } from '../../grammar/parser.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { spanAt } from '../diagnostics/span.ts';

/** The keywords that start a declaration. */
const DECLARATIONS: readonly TokenType[] = [T.Experiment, T.Grid, T.Axes, T.Import];

const word = (type: TokenType): string => type.name.toLowerCase();

/** Where, outside every block, a keyword and no name can come: its keywords and what the parser expects there. */
function keywordPlace(previous: IToken | undefined, beforePrevious: IToken | undefined): { keywords: readonly TokenType[]; expected: string } | null {
  const type = previous?.tokenType;
  if (type === undefined || type === T.RCurly || (type === T.StringLiteral && beforePrevious?.tokenType === T.Import)) {
    return { keywords: DECLARATIONS, expected: DECLARATION_EXPECTED };
  }
  if (type === T.Identifier && beforePrevious?.tokenType === T.Experiment) return { keywords: [T.Extends], expected: "'extends' or '{' after the experiment's name" };
  if (type === T.Identifier && beforePrevious?.tokenType === T.Grid) return { keywords: [T.Of], expected: "'of' and the base experiment after the grid's name" };
  return null;
}

/**
 * The tokens with every misspelt keyword outside blocks read as the keyword it is closest to,
 * and one RK0102 per such word. Names that are close to no keyword are left to the parser.
 */
export function repairKeywordTypos(tokens: readonly IToken[], file: string, text: string): { tokens: IToken[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const repaired: IToken[] = [];
  /** The last two tokens outside every block (a block counts as its closing '}'). */
  let outside: IToken[] = [];
  let depth = 0;
  for (const token of tokens) {
    let current = token;
    if (depth === 0 && token.tokenType === T.Identifier) {
      const place = keywordPlace(outside.at(-1), outside.at(-2));
      const keyword = place && didYouMean(token.image, place.keywords.map(word));
      if (place && keyword) {
        const type = place.keywords.find((k) => word(k) === keyword)!;
        current = { ...token, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
        diagnostics.push(diagnostic('RK0102', `'${token.image}' is not a keyword: expected ${place.expected}`,
          spanAt(file, text, token.startOffset, token.endOffset! + 1), { suggestion: keyword }));
      }
    }
    if (token.tokenType === T.LCurly) depth++;
    if (token.tokenType === T.RCurly) depth = Math.max(0, depth - 1);
    if (depth === 0) outside = [...outside.slice(-1), current];
    repaired.push(current);
  }
  return { tokens: repaired, diagnostics };
}
