/** Shared by the property and fuzz tests: what makes a compile's diagnostics unusable. */
import type { CompileResult } from '../../src/compiler.ts';
import { CODES } from '../../src/diagnostics/codes.ts';
import { spanAt } from '../../src/diagnostics/span.ts';

/**
 * The problems of each diagnostic: a code missing from the table, RK0001 (the resolver produced
 * something its own schema rejects), no span, a span outside its text, or a line and column
 * that disagree with its offset. Empty when every diagnostic is sound.
 */
export function diagnosticProblems(result: CompileResult): string[] {
  const problems: string[] = [];
  for (const d of result.diagnostics) {
    const what = `${d.code} '${d.message.slice(0, 120)}'`;
    if (!Object.hasOwn(CODES, d.code)) problems.push(`${what}: code not in the codes table`);
    if (d.code === 'RK0001') problems.push(`${what}: internal error (${d.notes.join('; ').slice(0, 300)})`);
    if (!d.span) {
      problems.push(`${what}: no span`);
      continue;
    }
    const text = result.sources.get(d.span.file);
    if (text === undefined) {
      problems.push(`${what}: span in '${d.span.file}', which has no source`);
      continue;
    }
    const { start, end, line, column } = d.span;
    if (!(start >= 0 && start <= end && end <= text.length)) problems.push(`${what}: span ${start}..${end} outside the text (length ${text.length})`);
    const expected = spanAt(d.span.file, text, start, end);
    if (expected.line !== line || expected.column !== column) {
      problems.push(`${what}: at ${line}:${column}, but offset ${start} is at ${expected.line}:${expected.column}`);
    }
  }
  return problems;
}
