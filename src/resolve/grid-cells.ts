/**
 * The grid-cell policy: how the problems found checking a grid's cells are reported as the
 * grid's. Each cell is checked like an experiment, so without a policy a grid of 50 cells would
 * say everything 50 times, at places in the base that do not name the cell. Self-contained: it
 * sees diagnostics and the grid's syntax, not how cells are expanded or checked.
 */
import { valueText } from '../ast/json.ts';
import type { AxesSetNode, GridNode, PathNode, ValueNode } from '../ast/nodes.ts';
import { diagnostic, diagnosticKey, wrapDiagnostic, type Diagnostic, type Report } from '../diagnostics/diagnostic.ts';
import type { Span } from '../diagnostics/span.ts';

/** One value a cell varies (an axis path and the value this cell gives it). */
export interface CellValue {
  path: PathNode;
  value: ValueNode;
}

const inside = (d: Diagnostic, span: Span): boolean =>
  d.span !== null && d.span.file === span.file && d.span.start >= span.start && d.span.end <= span.end;

/**
 * Reports a grid's cell problems into `report`:
 * - a problem of the base itself (in `baseProblems`, reported once for the base) is not repeated;
 * - a problem located outside the grid and the axes sets it uses (in the base experiment) is
 *   re-anchored at the grid's name as RK0804, naming the cell and its values, with the severity it had;
 * - a problem at the grid's own text or a used set's (an axis value) is reported once, noting the
 *   cells that have it unless every checked cell does;
 * - RK0807 warns when the `where` condition dropped every cell (unless it has errors of its own).
 */
export class GridCellDiagnostics {
  private readonly baseKeys: Set<string>;
  /** Problems at the grid's own text, each with the cells that have it. */
  private readonly atGrid = new Map<string, { diagnostic: Diagnostic; cells: string[] }>();
  private checked = 0;
  private dropped = 0;
  /** The text the grid's axes are written in: the grid's and its used sets'. */
  private readonly axesText: Span[];

  constructor(private readonly grid: GridNode, sets: readonly AxesSetNode[], baseProblems: readonly Diagnostic[], private readonly report: Report) {
    this.baseKeys = new Set(baseProblems.map(diagnosticKey));
    this.axesText = [grid.span, ...sets.map((set) => set.span)];
  }

  /** A cell the `where` condition kept, with what checking it reported. */
  checkedCell(index: number, values: readonly CellValue[], diagnostics: readonly Diagnostic[]): void {
    this.checked++;
    const label = values.map((v) => `${v.path.text} = ${valueText(v.value)}`).join(', ');
    const cell = `cell ${index} (${label})`;
    for (const d of diagnostics) {
      const key = diagnosticKey(d);
      if (this.baseKeys.has(key)) continue;
      if (!this.axesText.some((span) => inside(d, span))) this.report(this.reanchored(d, index, label));
      else if (this.atGrid.has(key)) this.atGrid.get(key)!.cells.push(cell);
      else this.atGrid.set(key, { diagnostic: d, cells: [cell] });
    }
  }

  /** A cell the `where` condition dropped (never checked). */
  droppedCell(): void {
    this.dropped++;
  }

  /** After the last cell; `reported`: every diagnostic of the file so far (the condition's own errors among them). */
  finish(reported: readonly Diagnostic[]): void {
    const atGrid = [...this.atGrid.values()].map(({ diagnostic: d, cells }) =>
      // A problem every cell shares (an unknown path) is no cell's in particular.
      (cells.length === this.checked ? d : { ...d, notes: [...d.notes, `in ${cells.join('; ')}`] }));
    for (const d of atGrid) this.report(d);
    const filter = this.grid.items.find((item) => item.type === 'where');
    if (!filter || this.checked > 0 || this.dropped === 0) return;
    // A condition with errors of its own would only repeat them as this warning.
    if ([...reported, ...atGrid].some((d) => d.severity === 'error' && inside(d, filter.span))) return;
    this.report(diagnostic('RK0807', `the where condition drops all ${this.dropped} cells of grid '${this.grid.name.text}'`, filter.span));
  }

  /** A cell problem located outside the grid, reported at the grid's name. */
  private reanchored(d: Diagnostic, index: number, label: string): Diagnostic {
    const at = d.span ? [`${d.code} at ${d.span.file}:${d.span.line}:${d.span.column}`] : [];
    return wrapDiagnostic('RK0804', d, `cell ${index} of grid '${this.grid.name.text}' (${label}): ${d.message}`, this.grid.name.span,
      { notes: [...at, ...d.notes], suggestion: d.suggestion });
  }
}
