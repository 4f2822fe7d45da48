/**
 * Splits a stream's chunks into lines for `line`: a child's output prefixed with its name, so that
 * several children writing at once stay readable. `\r` ends a line too (a redrawn progress bar
 * gives one line per drawing, not one endless line).
 */
export function lineSplitter(line: (text: string) => void): { write(chunk: string | Buffer): void; end(): void } {
  let pending = '';
  return {
    write(chunk) {
      const parts = (pending + chunk.toString()).split(/\r\n|\r|\n/);
      pending = parts.pop()!;
      for (const part of parts) if (part !== '') line(part);
    },
    end() {
      if (pending !== '') line(pending);
      pending = '';
    },
  };
}
