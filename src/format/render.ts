/**
 * The formatter's second step: lines made text. Two spaces per level; spacing by token pairs
 * (`a.b`, `[a, b]`, `0.3 .. 1.0`, `{ a = 1 }`); in consecutive lines of one block, the `=` of
 * attributes and the `{` of one-line blocks aligned; trailing comments of consecutive lines aligned.
 */
import { isCloser, isComment, isOpener, type Line, type Piece } from './lines.ts';

const INDENT = '  ';
/** Spaces between code and a trailing comment, at least. */
const COMMENT_GAP = 2;

/** Whether a space separates two neighbours on a line. */
function spaced(left: Piece, right: Piece): boolean {
  if (left.type === 'Dot' || right.type === 'Dot') return false;
  if (right.type === 'Comma') return false;
  if (left.type === 'LBracket' || left.type === 'LParen' || right.type === 'RBracket' || right.type === 'RParen') return false;
  if (left.type === 'LCurly' && right.type === 'RCurly') return false;
  return true;
}

const join = (pieces: readonly Piece[]): string =>
  pieces.map((piece, i) => (i > 0 && spaced(pieces[i - 1], piece) ? ' ' : '') + piece.image).join('');

/** A line split for alignment: `head` (a name or path, and a kind), then `marker` (`=` or `{`) and the rest. */
interface Shaped {
  line: Line;
  head: string;
  /** 'Equals' for an attribute, 'LCurly' for a block, each complete on the line; null: not aligned. */
  marker: 'Equals' | 'LCurly' | null;
  rest: string;
  comment: string;
}

function shape(line: Line): Shaped {
  let codeEnd = line.pieces.length;
  while (codeEnd > 0 && isComment(line.pieces[codeEnd - 1])) codeEnd--;
  // Comments after code trail it; a line of comments only is all code, for layout.
  if (codeEnd === 0) codeEnd = line.pieces.length;
  const code = line.pieces.slice(0, codeEnd);
  const comment = join(line.pieces.slice(codeEnd));
  const at = code.findIndex((piece) => piece.type !== 'Identifier' && piece.type !== 'Dot');
  const marker = at > 0 ? code[at].type : '';
  const balanced = code.reduce((depth, piece) => depth + (isOpener(piece) ? 1 : isCloser(piece) ? -1 : 0), 0) === 0;
  // A line that leaves a bracket open (`x = [`) starts a block of lines and is aligned with none.
  if ((marker === 'Equals' || marker === 'LCurly') && balanced) {
    return { line, head: join(code.slice(0, at)), marker, rest: join(code.slice(at)), comment };
  }
  return { line, head: join(code), marker: null, rest: '', comment };
}

/** Runs of consecutive lines (no blank line between) for which `same` holds pairwise. */
function runs<T>(items: readonly T[], same: (a: T, b: T) => boolean): T[][] {
  const out: T[][] = [];
  for (const item of items) {
    const run = out[out.length - 1];
    if (run && same(run[run.length - 1], item)) run.push(item);
    else out.push([item]);
  }
  return out;
}

export function render(lines: readonly Line[]): string {
  const shaped = lines.map(shape);
  const adjacent = (a: Shaped, b: Shaped) => !b.line.blankBefore;
  const code = new Map<Shaped, string>();
  for (const run of runs(shaped, (a, b) => adjacent(a, b) && a.marker !== null && a.marker === b.marker && a.line.depth === b.line.depth)) {
    const width = Math.max(...run.map((s) => s.head.length));
    for (const s of run) {
      code.set(s, INDENT.repeat(s.line.depth) + (s.marker === null ? s.head : `${s.head.padEnd(width)} ${s.rest}`));
    }
  }
  const out: string[] = [];
  for (const run of runs(shaped, (a, b) => adjacent(a, b) && a.comment !== '' && b.comment !== '')) {
    const column = Math.max(...run.map((s) => code.get(s)!.length)) + COMMENT_GAP;
    for (const s of run) {
      if (s.line.blankBefore) out.push('');
      out.push(s.comment === '' ? code.get(s)! : code.get(s)!.padEnd(column) + s.comment);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
