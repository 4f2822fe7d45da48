/**
 * How commands other than `check` present the diagnostics of the file they compiled: as text on
 * stderr (stdout holds what the command produces), or, with `--format json`, inside the command's
 * JSON on stdout; a file with errors then prints `{ diagnostics, summary }` alone.
 */
import { renderDiagnostics, type Diagnostic } from '../compiler.ts';
import { summary } from '../diagnostics/render.ts';
import { colorFor } from './color.ts';

export type Format = 'text' | 'json';

/** Text: the diagnostics on stderr, coloured for stderr. JSON: nothing (the command's JSON carries them). */
export function showDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, format: Format): void {
  if (format === 'json' || diagnostics.length === 0) return;
  process.stderr.write(`${renderDiagnostics(diagnostics, sources, { color: colorFor(process.stderr) })}\n`);
}

/** For a file with errors (exit 1): text shows them on stderr, JSON prints them alone on stdout. */
export function showFailure(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, format: Format): void {
  if (format === 'json') printJson({ diagnostics, summary: summary(diagnostics) });
  else showDiagnostics(diagnostics, sources, format);
}

/** One JSON document on stdout: what `--format json` prints. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
