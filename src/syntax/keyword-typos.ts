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

/** A keyword and no name can come here: its keywords and what the parser expects here. */
interface KeywordPlace { keywords: readonly TokenType[]; expected: string }

/** Where, outside every block, a keyword and no name can come. */
function declarationPlace(previous: IToken | undefined, beforePrevious: IToken | undefined): KeywordPlace | null {
  const type = previous?.tokenType;
  if (type === undefined || type === T.RCurly || (type === T.StringLiteral && beforePrevious?.tokenType === T.Import)) {
    return { keywords: DECLARATIONS, expected: DECLARATION_EXPECTED };
  }
  if (type === T.Identifier && beforePrevious?.tokenType === T.Experiment) return { keywords: [T.Extends], expected: "'extends' or '{' after the experiment's name" };
  if (type === T.Identifier && beforePrevious?.tokenType === T.Grid) return { keywords: [T.Of], expected: "'of' and the base experiment after the grid's name" };
  return null;
}

/** Tokens after which a name is a value, a path's part or a set's name, never a keyword of a grid item. */
const BEFORE_NAME: readonly TokenType[] = [T.Equals, T.Comparison, T.Dot, T.Use, T.Where, T.And, T.Or, T.Not, T.LParen];
/** Tokens after which a name starts a path (an axis, a condition's operand). */
const AFTER_PATH: readonly TokenType[] = [T.Dot, T.Equals, T.Comparison];
const GRID_ITEM: KeywordPlace = { keywords: [T.Zip, T.Where, T.Use], expected: 'a grid axis (path = [...]), zip, where or use' };

/**
 * Whether the name at `index`, directly in a grid's or axes set's body, is where an item starts
 * and cannot be an axis's path (no '=', '.' or comparison follows).
 */
function isGridItemPlace(tokens: readonly IToken[], index: number, previous: IToken | undefined): boolean {
  const next = tokens[index + 1]?.tokenType;
  return !BEFORE_NAME.includes(previous?.tokenType as TokenType) && !AFTER_PATH.includes(next as TokenType);
}

/** Tokens that end an operand of a `where` condition: a comparison's value, or ')'. */
const OPERAND_END: readonly TokenType[] = [T.NumberLiteral, T.StringLiteral, T.True, T.False, T.None, T.Identifier, T.RBracket, T.RParen];
/** Tokens after which an operand of a `where` condition starts. */
const BEFORE_OPERAND: readonly TokenType[] = [T.Where, T.And, T.Or, T.Not, T.LParen];
/** Tokens that can start an operand: its path's first name, '(' or `not`. */
const OPERAND_START: readonly TokenType[] = [T.Identifier, T.LParen, T.Not];
const BETWEEN_OPERANDS: KeywordPlace = { keywords: [T.And, T.Or], expected: "'and' or 'or' between two conditions of a where" };
const BEFORE_COMPARISON: KeywordPlace = { keywords: [T.Not], expected: "'not', '(' or a comparison (path == value) in a where" };

/**
 * In a `where` condition, the place of an `and` or `or` (after an operand) or a `not` (before
 * one) where a name cannot be: one followed by what starts an operand is no path's start.
 */
function conditionPlace(tokens: readonly IToken[], index: number, previous: IToken | undefined): KeywordPlace | null {
  if (!OPERAND_START.includes(tokens[index + 1]?.tokenType as TokenType)) return null;
  const type = previous?.tokenType as TokenType;
  if (BEFORE_OPERAND.includes(type)) return BEFORE_COMPARISON;
  if (OPERAND_END.includes(type)) return BETWEEN_OPERANDS;
  return null;
}

/**
 * The tokens with every misspelt keyword read as the keyword it is closest to, and one RK0102 per
 * such word: where a declaration starts, in its header, where an item of a grid or axes set
 * starts, and between the operands of a `where` condition. Names that are close to no keyword are
 * left to the parser.
 */
export function repairKeywordTypos(tokens: readonly IToken[], file: string, text: string): { tokens: IToken[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const repaired: IToken[] = [];
  /** The last two tokens outside every block (a block counts as its closing '}'). */
  let outside: IToken[] = [];
  /** Open braces, and open brackets and parentheses. */
  let depth = 0;
  let nested = 0;
  /** The keyword of the declaration being read. */
  let declaration: TokenType | undefined;
  /** Whether a `where` of the grid or axes set being read has started (its condition may go on). */
  let afterWhere = false;
  tokens.forEach((token, index) => {
    let current = token;
    if (token.tokenType === T.Identifier) {
      const inGridBody = depth === 1 && nested === 0 && (declaration === T.Grid || declaration === T.Axes);
      const places = depth === 0 ? [declarationPlace(outside.at(-1), outside.at(-2))] : [
        afterWhere && depth === 1 ? conditionPlace(tokens, index, repaired.at(-1)) : null,
        inGridBody && isGridItemPlace(tokens, index, repaired.at(-1)) ? GRID_ITEM : null,
      ];
      // The first place where the name is close to a keyword (`sue` after a condition is `use`).
      const [place, keyword] = places.map((p) => [p, p && didYouMean(token.image, p.keywords.map(word))] as const)
        .find(([, suggested]) => suggested) ?? [null, undefined];
      if (place && keyword) {
        const type = place.keywords.find((k) => word(k) === keyword)!;
        current = { ...token, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
        diagnostics.push(diagnostic('RK0102', `'${token.image}' is not a keyword: expected ${place.expected}`,
          spanAt(file, text, token.startOffset, token.endOffset! + 1), { suggestion: keyword }));
      }
    }
    const type = current.tokenType;
    if (type === T.LCurly) depth++;
    if (type === T.RCurly) depth = Math.max(0, depth - 1);
    if (type === T.LBracket || type === T.LParen) nested++;
    if (type === T.RBracket || type === T.RParen) nested = Math.max(0, nested - 1);
    if (depth === 0 && DECLARATIONS.includes(type)) declaration = type;
    if (type === T.Where && depth === 1) afterWhere = true;
    if (depth === 0) afterWhere = false;
    if (depth === 0) outside = [...outside.slice(-1), current];
    repaired.push(current);
  });
  return { tokens: repaired, diagnostics };
}
