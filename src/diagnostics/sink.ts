/**
 * The one error sink of a compile: every step gets a sink's `report` (as every check rule does)
 * and nothing threads an array. A step that must know whether it failed reports into a `step()`,
 * which passes each diagnostic on at once; a declaration reports into a `scope()`, kept apart so
 * that its diagnostics can be told from the rest of the file's.
 */
import { hasErrors, type Diagnostic, type Report } from './diagnostic.ts';

export class DiagnosticSink {
  private readonly own: Diagnostic[] = [];
  private readonly scopes: DiagnosticSink[] = [];

  /** `forward`: where each diagnostic goes on to (a step's sink forwards to its parent). */
  constructor(private readonly forward: Report | null = null) {}

  readonly report: Report = (diagnostic) => {
    this.own.push(diagnostic);
    this.forward?.(diagnostic);
  };

  reportAll(diagnostics: readonly Diagnostic[]): void {
    for (const diagnostic of diagnostics) this.report(diagnostic);
  }

  /** A sink for one step: what it reports is reported here too, at once. */
  step(): DiagnosticSink {
    return new DiagnosticSink(this.report);
  }

  /** A sink for one declaration: its diagnostics count as this sink's, after this sink's own. */
  scope(): DiagnosticSink {
    const scope = new DiagnosticSink();
    this.scopes.push(scope);
    return scope;
  }

  /** Everything reported so far: this sink's own diagnostics, then each scope's in the order they were opened. */
  get diagnostics(): Diagnostic[] {
    return [...this.own, ...this.scopes.flatMap((scope) => scope.diagnostics)];
  }

  hasErrors(): boolean {
    return hasErrors(this.diagnostics);
  }
}
