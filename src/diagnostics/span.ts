/** Source locations. Offsets are 0-based (end exclusive); line and column are 1-based. */
export interface Span {
  file: string;
  start: number;
  end: number;
  line: number;
  column: number;
}

/** The span of `[start, end)` in `text`, counting lines and columns. */
export function spanAt(file: string, text: string, start: number, end: number): Span {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, start, end, line, column: start - lineStart + 1 };
}
