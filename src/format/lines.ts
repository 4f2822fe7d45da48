/**
 * The formatter's first step: a parsed file's tokens and comments, in order, split into output
 * lines with their indentation depth and whether a blank line precedes them. Line breaks are
 * kept where the file has them (a value must start on its '=' line, so joining or splitting
 * lines inside a block could change what the file means); between top-level declarations the
 * layout is fixed: each starts a line, after one blank line.
 */
import type { IToken } from 'chevrotain';
import { COMMENTS, rekdLexer } from '../../grammar/tokens.ts';
import { LINE_BREAK } from '../diagnostics/span.ts';

/** A token or a comment, with the number of line breaks between it and what precedes it. */
export interface Piece {
  type: string;
  image: string;
  breaksBefore: number;
}

export interface Line {
  /** Indentation levels. */
  depth: number;
  blankBefore: boolean;
  pieces: Piece[];
}

const OPENERS = new Set(['LCurly', 'LBracket', 'LParen']);
const CLOSERS = new Set(['RCurly', 'RBracket', 'RParen']);
export const isComment = (piece: Piece): boolean => piece.type === 'LineComment' || piece.type === 'BlockComment';
export const isOpener = (piece: Piece): boolean => OPENERS.has(piece.type);
export const isCloser = (piece: Piece): boolean => CLOSERS.has(piece.type);

/** Operators that leave a condition or range unfinished at the end of a line, or continue one at the start. */
const CONTINUES_AFTER = new Set(['And', 'Or', 'Not', 'Where', 'Comparison', 'DotDot', 'Dot', 'Extends', 'Of']);
const CONTINUES_BEFORE = new Set(['And', 'Or', 'Comparison', 'DotDot', 'Dot']);

const countBreaks = (gap: string): number => gap.split(new RegExp(LINE_BREAK.source)).length - 1;

/** Tokens and comments of `text` in order (the text lexes cleanly: the caller parsed it). */
export function piecesOf(text: string): Piece[] {
  const lexed = rekdLexer.tokenize(text);
  const tokens: IToken[] = [...lexed.tokens, ...(lexed.groups[COMMENTS] ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  let end = 0;
  return tokens.map((token) => {
    const piece = { type: token.tokenType.name, image: token.image, breaksBefore: countBreaks(text.slice(end, token.startOffset)) };
    end = token.startOffset + token.image.length;
    return piece;
  });
}

/** A comma just before a closing bracket on the same line says nothing: `[a, b,]` is `[a, b]`. */
function withoutDanglingCommas(pieces: Piece[]): Piece[] {
  return pieces.filter((piece, i) => {
    const next = pieces[i + 1];
    return !(piece.type === 'Comma' && next !== undefined && next.breaksBefore === 0 && isCloser(next));
  });
}

/** Ends a top-level declaration: its closing brace, or an import's path. */
const endsDeclaration = (piece: Piece, previous: Piece | undefined, depth: number): boolean =>
  depth === 0 && ((isCloser(piece)) || (piece.type === 'StringLiteral' && previous?.type === 'Import'));

export function linesOf(text: string): Line[] {
  const pieces = withoutDanglingCommas(piecesOf(text));
  const lines: Line[] = [];
  let depth = 0;
  /** The last top-level declaration ended, and nothing but trailing comments followed it yet. */
  let declarationEnded = false;
  let lastImport = false;
  let previousCode: Piece | undefined;
  pieces.forEach((piece, i) => {
    const current = lines[lines.length - 1];
    const trailing = isComment(piece) && piece.breaksBefore === 0;
    let newLine = i === 0 || piece.breaksBefore > 0;
    let blankBefore = piece.breaksBefore > 1;
    if (declarationEnded && !trailing) {
      newLine = true;
      // Imports may sit together; any other declaration (or the comment above it) gets a blank line.
      blankBefore = !(lastImport && piece.type === 'Import') || blankBefore;
      declarationEnded = false;
    }
    if (newLine && current) {
      // No blank line just inside a bracket or before a closing one.
      const afterOpener = current.pieces.length > 0 && isOpener(current.pieces[current.pieces.length - 1]);
      if (afterOpener || isCloser(piece)) blankBefore = false;
    }
    if (isCloser(piece)) depth = Math.max(0, depth - 1);
    if (newLine) {
      const continues = (previousCode !== undefined && CONTINUES_AFTER.has(previousCode.type) && current?.pieces.includes(previousCode))
        || CONTINUES_BEFORE.has(piece.type);
      lines.push({ depth: depth + (continues ? 1 : 0), blankBefore: i > 0 && blankBefore, pieces: [piece] });
    } else {
      current.pieces.push(piece);
    }
    if (isOpener(piece)) depth++;
    if (!isComment(piece)) {
      if (endsDeclaration(piece, previousCode, depth)) {
        declarationEnded = true;
        lastImport = piece.type === 'StringLiteral';
      }
      previousCode = piece;
    }
  });
  return lines;
}
