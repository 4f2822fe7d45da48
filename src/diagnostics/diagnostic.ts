/** The value every phase reports problems with, the helpers to make one, and the sink they go to. */
import { CODES, type Code, type FixedCode, type Severity, type WrapperCode } from './codes.ts';
import type { Span } from './span.ts';

export type { Code, Severity } from './codes.ts';

export interface Diagnostic {
  severity: Severity;
  /** Stable code `RKnnnn` of the table in codes.ts. */
  code: Code;
  message: string;
  /** Null only for problems with no place in a file (an unreadable command-line file). */
  span: Span | null;
  notes: string[];
  /** A replacement the user probably meant, rendered as `help: did you mean '...'?`. */
  suggestion?: string;
}

export interface DiagnosticOptions {
  notes?: string[];
  suggestion?: string;
}

function make(severity: Severity, code: Code, message: string, span: Span | null, options: DiagnosticOptions): Diagnostic {
  const d: Diagnostic = { severity, code, message, span, notes: options.notes ?? [] };
  if (options.suggestion !== undefined) d.suggestion = options.suggestion;
  return d;
}

/** A diagnostic with the severity the code table gives `code`. */
export function diagnostic(code: FixedCode, message: string, span: Span | null, options: DiagnosticOptions = {}): Diagnostic {
  return make(CODES[code].severity, code, message, span, options);
}

/** A diagnostic that reports `wrapped` at another place (RK0804), keeping its severity. */
export function wrapDiagnostic(code: WrapperCode, wrapped: Diagnostic, message: string, span: Span | null,
  options: DiagnosticOptions = {}): Diagnostic {
  return make(wrapped.severity, code, message, span, options);
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/** Where a step reports its problems: every compile step and check rule gets one. */
export type Report = (diagnostic: Diagnostic) => void;
