/** Tokens of the .rekd language. Keywords use `longer_alt` so `imports` stays an identifier. */
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.ts';
import { LINE_BREAK, LINE_BREAK_CHARACTERS } from '../src/diagnostics/span.ts';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
/** Comments stay out of the parser's tokens but are kept in their group for the formatter (src/format). */
export const COMMENTS = 'comments';
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: COMMENTS });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: COMMENTS });
/** An unclosed `/*`: kept in its own group so the front end reports it by name. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'unterminated' });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/, label: 'a name' });
const keyword = (word: string): TokenType =>
  createToken({ name: word[0].toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
export const Import = keyword('import');
export const Experiment = keyword('experiment');
export const Extends = keyword('extends');
export const Grid = keyword('grid');
export const Of = keyword('of');
export const Zip = keyword('zip');
export const Axes = keyword('axes');
export const Use = keyword('use');
export const Where = keyword('where');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const None = keyword('none');
export const True = keyword('true');
export const False = keyword('false');

/**
 * Strings are lexed loosely (any escape, closing quote optional) so that the AST builder can
 * say exactly what is wrong with a bad escape or a missing quote instead of a generic lex error.
 */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n\r]|\\.)*"?/, label: 'a string' });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, label: 'a number' });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: "'..'" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
/** Comparison operators of `where` conditions; listed before Equals so `==` is not read as two '='. */
export const Comparison = createToken({ name: 'Comparison', pattern: /==|!=|<=|>=|<|>/, label: 'a comparison (==, !=, <, <=, >, >=)' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });

/** Order matters: comments before anything starting with `/`, keywords before Identifier. */
export const allTokens: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment,
  Import, Experiment, Extends, Grid, Of, Zip, Axes, Use, Where, And, Or, Not, None, True, False, Identifier,
  StringLiteral, NumberLiteral, DotDot, Dot, LCurly, RCurly, LBracket, RBracket, LParen, RParen, Comma, Comparison, Equals,
];

export const rekdLexer = new Lexer(allTokens, {
  positionTracking: 'full', ensureOptimizations: false,
  lineTerminatorsPattern: new RegExp(LINE_BREAK.source, 'g'), lineTerminatorCharacters: LINE_BREAK_CHARACTERS,
});
