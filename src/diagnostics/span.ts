/** Source locations. Offsets are 0-based (end exclusive); line and column are 1-based. */
export interface Span {
  file: string;
  start: number;
  end: number;
  line: number;
  column: number;
}

/**
 * The one definition of a line break: `\r\n`, or a lone `\n` or `\r`. The lexer counts token
 * lines with it too, so spans built from the syntax tree and from `spanAt` agree.
 */
export const LINE_BREAK = /\r\n?|\n/;
export const LINE_BREAK_CHARACTERS = ['\r', '\n'];

/** Line start offsets of the last few texts asked about: a file with many errors is scanned once. */
const lineStartsCache = new Map<string, number[]>();
const CACHED_TEXTS = 16;

function lineStarts(text: string): number[] {
  let starts = lineStartsCache.get(text);
  if (starts) return starts;
  starts = [0];
  const breaks = new RegExp(LINE_BREAK.source, 'g');
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) starts.push(m.index + m[0].length);
  if (lineStartsCache.size >= CACHED_TEXTS) lineStartsCache.delete(lineStartsCache.keys().next().value!);
  lineStartsCache.set(text, starts);
  return starts;
}

/** The 0-based index of the line holding `offset` (binary search over the line starts). */
function lineIndex(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The offset where the line holding `offset` ends (at its line break, or the end of the text). */
export function lineEnd(text: string, offset: number): number {
  const starts = lineStarts(text);
  const next = lineIndex(starts, offset) + 1;
  if (next === starts.length) return text.length;
  return starts[next] - (text.startsWith('\r\n', starts[next] - 2) ? 2 : 1);
}

/** The span of `[start, end)` in `text`, counting lines and columns; clipped to the text. */
export function spanAt(file: string, text: string, start: number, end: number): Span {
  const from = Math.min(Math.max(0, start), text.length);
  const to = Math.min(Math.max(from, end), text.length);
  const starts = lineStarts(text);
  const line = lineIndex(starts, from);
  return { file, start: from, end: to, line: line + 1, column: from - starts[line] + 1 };
}
