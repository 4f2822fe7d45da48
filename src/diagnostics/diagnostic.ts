/** The value every phase reports problems with, the helpers to make one, and the sink they go to. */
import { CODES, type Code, type FixedCode, type Severity, type WrapperCode } from './codes.ts';
import type { Span } from './span.ts';

export type { Code, Severity } from './codes.ts';

/** `C` narrows the code, so that a rule's `report` takes its own code only. */
export interface Diagnostic<C extends Code = Code> {
  severity: Severity;
  /** Stable code `RKnnnn` of the table in codes.ts. */
  code: C;
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

function make<C extends Code>(severity: Severity, code: C, message: string, span: Span | null, options: DiagnosticOptions): Diagnostic<C> {
  const d: Diagnostic<C> = { severity, code, message, span, notes: options.notes ?? [] };
  if (options.suggestion !== undefined) d.suggestion = options.suggestion;
  return d;
}

/** A diagnostic with the severity the code table gives `code`. */
export function diagnostic<C extends FixedCode>(code: C, message: string, span: Span | null, options: DiagnosticOptions = {}): Diagnostic<C> {
  return make(CODES[code].severity, code, message, span, options);
}

/** A diagnostic that reports `wrapped` at another place (RK0804), keeping its severity. */
export function wrapDiagnostic<C extends WrapperCode>(code: C, wrapped: Diagnostic, message: string, span: Span | null,
  options: DiagnosticOptions = {}): Diagnostic<C> {
  return make(wrapped.severity, code, message, span, options);
}

/** What makes two diagnostics one problem reported twice (a grid's base checked as an experiment too). */
export const diagnosticKey = (d: Diagnostic): string => `${d.code}|${d.message}|${d.span?.file}|${d.span?.start}|${d.span?.end}`;

/** One of each problem, in the order of `fileOrder`, then of position in the file, then of code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const unique = [...new Map(diagnostics.map((d) => [diagnosticKey(d), d])).values()];
  const rank = (d: Diagnostic) => (d.span ? fileOrder.indexOf(d.span.file) : -1);
  return unique.sort((a, b) => rank(a) - rank(b) || (a.span?.start ?? 0) - (b.span?.start ?? 0) || a.code.localeCompare(b.code));
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/** Where a step reports its problems: every compile step and check rule gets one (a rule's takes its code only). */
export type Report<C extends Code = Code> = (diagnostic: Diagnostic<C>) => void;
