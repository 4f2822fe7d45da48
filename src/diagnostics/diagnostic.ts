/** The value every phase reports problems with, and helpers to make one. */
import type { Span } from './span.ts';

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  /** Stable code `RKnnnn` (see codes.ts). */
  code: string;
  message: string;
  /** Null only for problems with no place in a file (an unreadable command-line file). */
  span: Span | null;
  notes: string[];
  /** A replacement the user probably meant, rendered as `help: did you mean '...'?`. */
  suggestion?: string;
}

export function diagnostic(severity: Severity, code: string, message: string, span: Span | null,
  extra: { notes?: string[]; suggestion?: string } = {}): Diagnostic {
  const d: Diagnostic = { severity, code, message, span, notes: extra.notes ?? [] };
  if (extra.suggestion !== undefined) d.suggestion = extra.suggestion;
  return d;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');
