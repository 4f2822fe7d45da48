/**
 * The one renderer of diagnostics: `path:line:col: error[RK0201]: message`, the source line,
 * carets under the span, `note:` and `help:` lines, then a summary. JSON carries the same data.
 */
import type { Diagnostic } from './diagnostic.ts';
import { lineEnd } from './span.ts';

export interface RenderOptions {
  format?: 'text' | 'json';
  /** Most diagnostics shown in text; the summary still counts all. */
  max?: number;
  color?: boolean;
  /** End with the summary line (default true; `check` of several files prints one at the end). */
  summary?: boolean;
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
const COLORS = { error: '1;31', warning: '1;33', note: '1;36' } as const;

function sourceExcerpt(d: Diagnostic, text: string | undefined, color: boolean): string[] {
  if (!d.span || text === undefined) return [];
  const lineStart = d.span.start - (d.span.column - 1);
  const end = lineEnd(text, lineStart);
  const line = text.slice(lineStart, end);
  // Carets under the whole span, clipped to its first line (at least one caret).
  const width = Math.max(1, Math.min(d.span.end, end) - d.span.start);
  const gutter = String(d.span.line).length;
  const pad = ' '.repeat(gutter);
  const indent = line.slice(0, d.span.column - 1).replace(/[^\t]/g, ' ');
  return [
    `${pad} |`,
    `${d.span.line} | ${line}`,
    `${pad} | ${indent}${paint(color, COLORS[d.severity], '^'.repeat(width))}`,
  ];
}

function renderOne(d: Diagnostic, sources: ReadonlyMap<string, string>, color: boolean): string {
  const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.column}: ` : 'rekdc: ';
  const lines = [`${where}${paint(color, COLORS[d.severity], `${d.severity}[${d.code}]`)}: ${d.message}`];
  lines.push(...sourceExcerpt(d, d.span ? sources.get(d.span.file) : undefined, color));
  for (const note of d.notes) lines.push(`  = note: ${note}`);
  if (d.suggestion !== undefined) lines.push(`  = help: did you mean '${d.suggestion}'?`);
  return lines.join('\n');
}

/** `1 cell`, `2 cells`: a count and its noun (plural with an s). */
export const counted = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  if (errors === 0 && warnings === 0) return 'no errors';
  return [errors ? counted(errors, 'error') : '', warnings ? counted(warnings, 'warning') : ''].filter(Boolean).join(', ');
}

/** Renders diagnostics (already sorted by the compiler) as text or JSON. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, options: RenderOptions = {}): string {
  if (options.format === 'json') return JSON.stringify({ diagnostics, summary: summary(diagnostics) }, null, 2);
  const max = options.max ?? 50;
  const shown = diagnostics.slice(0, max).map((d) => renderOne(d, sources, options.color ?? false));
  if (diagnostics.length > max) shown.push(`... and ${diagnostics.length - max} more (showing the first ${max})`);
  return [...shown, ...(options.summary === false ? [] : [summary(diagnostics)])].join('\n\n');
}
