/**
 * The public compiler API: one call takes a .rekd file (plus `--set` overrides) through parsing,
 * imports, `extends`, checks, resolution and grid expansion. Codegen and grid engines start here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GridNode } from './ast/nodes.ts';
import type { Span } from './diagnostics/span.ts';
import { valueText, valueToJson, type JsonValue } from './ast/json.ts';
import { checkExperiment, checkFiles, checkTree } from './check/index.ts';
import { diagnostic, hasErrors, type Diagnostic } from './diagnostics/diagnostic.ts';
import { Declarations } from './tree/experiments.ts';
import { keepsCell } from './resolve/condition.ts';
import { axisNodes, gridAssignments, gridCellCount, MAX_GRID_CELLS, type Assignment } from './tree/grid.ts';
import { displayName, loadProgram, readFromDisk, type ReadFile } from './tree/modules.ts';
import { applyPath } from './tree/override.ts';
import { resolveTree } from './resolve/resolve.ts';
import type { ProvenanceMap, TreeBlock } from './tree/tree.ts';
import { parseOverride } from './syntax/parse.ts';
import type { ResolvedExperiment } from './schema/types.generated.ts';
import { validateResolved } from './schema/validate.ts';

export type { Diagnostic } from './diagnostics/diagnostic.ts';
export type { Span } from './diagnostics/span.ts';
export type { Provenance, ProvenanceMap } from './tree/tree.ts';
export type { JsonValue } from './ast/json.ts';
export type { ResolvedExperiment } from './schema/types.generated.ts';
export { renderDiagnostics } from './diagnostics/render.ts';

export interface CompileOptions {
  /** `path=value` overrides (`--set`), applied to every experiment and grid base of the file. */
  overrides?: readonly string[];
  /** Reads imported files (default: from disk). */
  readFile?: ReadFile;
  /**
   * False: the grids are parsed but not expanded, so a command acting on one experiment is not
   * stopped by a grid the overrides broke (`--set teacher=none` under a grid that varies
   * `teacher.pretrain.epochs`). Default true.
   */
  grids?: boolean;
}

export interface GridCell {
  /** 0-based position in the cartesian product (first axis varies slowest). */
  index: number;
  /** Experiment name of the cell: `<grid>_<index>`. */
  name: string;
  /** The varied values of the cell by path, e.g. { 'student': 'alexnet', 'loss.relation.temperature': 0.05 }. */
  values: Record<string, JsonValue>;
  experiment: ResolvedExperiment;
  provenance: ProvenanceMap;
}

export interface CompiledGrid {
  name: string;
  /** The experiment the grid varies. */
  base: string;
  /** Axis paths in written order (zip axes included). */
  axes: string[];
  /** Every cell that checked clean (all of them when the result has no errors). */
  cells: GridCell[];
  /** Indices of the cells the grid's `where` dropped (never checked further, never run). */
  dropped: number[];
  /** The base experiment resolved with the overrides (null when it does not check): cells differ from it. */
  baseExperiment: ResolvedExperiment | null;
}

export interface CompileResult {
  /** Sorted by file and position; errors, warnings and notes. */
  diagnostics: Diagnostic[];
  /** True when no diagnostic is an error. */
  ok: boolean;
  /** The experiments declared in the compiled file (not its imports) that checked clean. */
  experiments: Map<string, ResolvedExperiment>;
  /** Where every value of each experiment came from (for `rekdc explain`). */
  provenance: Map<string, ProvenanceMap>;
  grids: Map<string, CompiledGrid>;
  /** Every grid the compiled file declares, expanded or not (`grids: false`), in written order. */
  gridNames: string[];
  /**
   * The diagnostics each experiment and grid of the compiled file gave while it was compiled (its
   * base's included), so that a command using some of them shows only their warnings
   * (`scopedDiagnostics`).
   */
  origins: Map<string, Diagnostic[]>;
  /** Text of every file and override the diagnostics point into (for renderDiagnostics). */
  sources: Map<string, string>;
}

const key = (d: Diagnostic): string => `${d.code}|${d.message}|${d.span?.file}|${d.span?.start}|${d.span?.end}`;

function sortDiagnostics(diagnostics: Diagnostic[], fileOrder: string[]): Diagnostic[] {
  const unique = [...new Map(diagnostics.map((d) => [key(d), d])).values()];
  const rank = (d: Diagnostic) => (d.span ? fileOrder.indexOf(d.span.file) : -1);
  return unique.sort((a, b) => rank(a) - rank(b) || (a.span?.start ?? 0) - (b.span?.start ?? 0) || a.code.localeCompare(b.code));
}

const INTERNAL = 'internal error: please report it on the rekd issue tracker with the file that triggered it';

/** A grid cell a `where` condition dropped. */
const DROPPED = 'dropped';

/**
 * Checks a tree, resolves it when clean, and runs the experiment rules and schema validation.
 * `keep` (a grid's `where`) sees the resolved values before the experiment rules, so a condition
 * can drop the cells those rules would reject.
 */
function resolveChecked(tree: TreeBlock, diagnostics: Diagnostic[], partial: boolean,
  keep: (experiment: ResolvedExperiment) => boolean = () => true): { experiment: ResolvedExperiment; provenance: ProvenanceMap } | null | typeof DROPPED {
  const problems = checkTree(tree, partial);
  diagnostics.push(...problems);
  if (partial || hasErrors(problems)) return null;
  const resolved = resolveTree(tree);
  if (!keep(resolved.experiment)) return DROPPED;
  const ruled = checkExperiment(resolved.experiment, resolved.provenance, tree.name.span);
  diagnostics.push(...ruled);
  const invalid = validateResolved(resolved.experiment);
  if (invalid.length) diagnostics.push(diagnostic('error', 'RK0001', `${INTERNAL} (resolved '${tree.name.text}' fails its schema)`, tree.name.span, { notes: invalid }));
  return hasErrors(ruled) || invalid.length ? null : resolved;
}

/** Applies every assignment whose path is valid; the others are reported and skipped. */
function applyAll(tree: TreeBlock, assignments: Assignment[], origin: 'override' | 'grid', diagnostics: Diagnostic[]): TreeBlock {
  let current = tree;
  const assigned = new Set(assignments.map((a) => a.path.text));
  for (const { path: p, value } of assignments) {
    const applied = applyPath(current, p, value, value.span, origin);
    if (applied.ok) {
      current = applied.tree;
      for (const warning of applied.warnings ?? []) if (!assigned.has(warning.path)) diagnostics.push(warning.diagnostic);
    } else {
      diagnostics.push(applied.diagnostic);
    }
  }
  return current;
}

/**
 * Expands and checks one grid, adding its problems to `diagnostics`; `fileProblems` are those of
 * the file as a whole (its where condition's own errors among them).
 */
function compileGrid(grid: GridNode, declarations: Declarations, overrides: Assignment[], diagnostics: Diagnostic[],
  fileProblems: readonly Diagnostic[], partial: boolean): CompiledGrid | null {
  // Too many cells to enumerate: RK0809 (a file rule) says so.
  if (gridCellCount(grid) > MAX_GRID_CELLS) return null;
  const baseNode = declarations.lookup(grid.base, 'grid base experiment');
  const baseTree = baseNode && declarations.tree(baseNode);
  const base = baseTree && applyAll(baseTree, overrides, 'override', diagnostics);
  if (!baseNode || !base) return null;
  // Problems of the base itself are reported once, for the base, not again for every cell. A
  // base compiled as an experiment of this file reports them too (the duplicates are merged);
  // an imported one, broken by an override, reports them only here.
  const baseProblems: Diagnostic[] = [];
  const resolvedBase = resolveChecked(base, baseProblems, partial);
  diagnostics.push(...baseProblems);
  const baseDiagnostics = new Set(baseProblems.map(key));
  const compiled: CompiledGrid = {
    name: grid.name.text, base: baseNode.name.text, cells: [], dropped: [],
    baseExperiment: resolvedBase && resolvedBase !== DROPPED ? resolvedBase.experiment : null,
    axes: axisNodes(grid).map((axis) => axis.path.text),
  };
  const all = gridAssignments(grid);
  // Problems at the grid's own text, with the cells that have them (each cell named by its values).
  const atValues = new Map<string, { d: Diagnostic; cells: string[] }>();
  all.forEach((assignments, index) => {
    const name = `${grid.name.text}_${index}`;
    const values = Object.fromEntries(assignments.map((a) => [a.path.text, valueToJson(a.value)]));
    const cellDiagnostics: Diagnostic[] = [];
    const tree = applyAll(base, assignments, 'grid', cellDiagnostics);
    const resolved = resolveChecked(tree, cellDiagnostics, partial, (experiment) => keepsCell(grid, experiment));
    if (resolved === DROPPED) {
      compiled.dropped.push(index);
      return;
    }
    const label = assignments.map((a) => `${a.path.text} = ${valueText(a.value)}`).join(', ');
    for (const d of cellDiagnostics) {
      const k = key(d);
      if (baseDiagnostics.has(k)) continue;
      if (!inside(d, grid.span)) diagnostics.push(cellDiagnostic(d, grid, index, label));
      else if (atValues.has(k)) atValues.get(k)!.cells.push(`cell ${index} (${label})`);
      else atValues.set(k, { d, cells: [`cell ${index} (${label})`] });
    }
    if (resolved) compiled.cells.push({ index, name, values, experiment: { ...resolved.experiment, name }, provenance: resolved.provenance });
  });
  const checked = all.length - compiled.dropped.length;
  for (const { d, cells } of atValues.values()) {
    // A problem every cell shares (an unknown path) is no cell's in particular.
    diagnostics.push(cells.length === checked ? d : { ...d, notes: [...d.notes, `in ${cells.join('; ')}`] });
  }
  const filter = grid.items.find((item) => item.type === 'where');
  // A condition with errors of its own would only repeat them as this warning.
  const broken = filter && [...fileProblems, ...diagnostics].some((d) => d.severity === 'error' && inside(d, filter.span));
  if (filter && !broken && all.length > 0 && compiled.dropped.length === all.length) {
    diagnostics.push(diagnostic('warning', 'RK0807', `the where condition drops all ${all.length} cells of grid '${grid.name.text}'`, filter.span));
  }
  return compiled;
}

const inside = (d: Diagnostic, span: Span): boolean =>
  d.span !== null && d.span.file === span.file && d.span.start >= span.start && d.span.end <= span.end;

/** A cell problem located outside the grid (in the base experiment) is reported at the grid. */
function cellDiagnostic(d: Diagnostic, grid: GridNode, index: number, label: string): Diagnostic {
  const at = d.span ? [`${d.code} at ${d.span.file}:${d.span.line}:${d.span.column}`] : [];
  return diagnostic(d.severity, 'RK0804', `cell ${index} of grid '${grid.name.text}' (${label}): ${d.message}`, grid.name.span,
    { notes: [...at, ...d.notes], suggestion: d.suggestion });
}

/** Compiles source text held in memory; `file` is its display name and anchors relative imports. */
export function compileSource(text: string, file: string, options: CompileOptions = {}): CompileResult {
  const program = loadProgram(path.resolve(file), text, options.readFile ?? readFromDisk, file);
  const diagnostics = [...program.diagnostics, ...checkFiles(program.files)];
  const sources = new Map(program.sources);

  const overrides: Assignment[] = [];
  (options.overrides ?? []).forEach((override, i) => {
    const name = `<--set ${i + 1}>`;
    sources.set(name, override);
    const parsed = parseOverride(override, name);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value && !hasErrors(parsed.diagnostics)) overrides.push({ path: parsed.value.path, value: parsed.value.value });
  });

  const declarations = new Declarations(program.files, diagnostics);
  // After a syntax error, recovery may have dropped members: nothing is resolved, and rules
  // about missing members stay quiet.
  const partial = program.diagnostics.some((d) => d.code.startsWith('RK01'));
  const root = program.files[0];
  const result: CompileResult = {
    diagnostics: [], ok: false, experiments: new Map(), provenance: new Map(), grids: new Map(),
    gridNames: root.grids.map((grid) => grid.name.text), origins: new Map(), sources,
  };
  /** The diagnostics of compiling one declaration, recorded as its own and added to the file's. */
  const compiling = (name: string): Diagnostic[] => {
    const own: Diagnostic[] = [];
    result.origins.set(name, own);
    return own;
  };
  for (const node of root.experiments) {
    if (declarations.experiments.get(node.name.text) !== node) continue;
    const tree = declarations.tree(node);
    const own = compiling(node.name.text);
    const resolved = tree && resolveChecked(applyAll(tree, overrides, 'override', own), own, partial);
    if (resolved && resolved !== DROPPED) {
      result.experiments.set(node.name.text, resolved.experiment);
      result.provenance.set(node.name.text, resolved.provenance);
    }
  }
  for (const grid of options.grids === false ? [] : root.grids) {
    if (declarations.grids.get(grid.name.text) !== grid) continue;
    const compiled = compileGrid(grid, declarations, overrides, compiling(grid.name.text), diagnostics, partial);
    if (compiled) result.grids.set(grid.name.text, compiled);
  }
  for (const own of result.origins.values()) diagnostics.push(...own);
  result.diagnostics = sortDiagnostics(diagnostics, [...sources.keys()]);
  result.ok = !hasErrors(result.diagnostics);
  return result;
}

/** Reads and compiles a .rekd file. An unreadable file gives one RK0002 diagnostic. */
export function compileFile(file: string, options: CompileOptions = {}): CompileResult {
  const readFile = options.readFile ?? readFromDisk;
  const text = readFile(path.resolve(file));
  if (text === undefined) {
    return {
      diagnostics: [diagnostic('error', 'RK0002', `cannot read '${file}'${unreadable(path.resolve(file))}`, null)], ok: false,
      experiments: new Map(), provenance: new Map(), grids: new Map(), gridNames: [], origins: new Map(), sources: new Map(),
    };
  }
  return compileSource(text, displayName(path.resolve(file)), options);
}

/** Why a file could not be read, when the file system says (`: no such file`). */
function unreadable(file: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return ': no such file';
  if (stat.isDirectory()) return ': it is a folder';
  return '';
}

/**
 * The diagnostics a command using only the declarations `names` shows: every error (a file with
 * errors runs nothing), and the warnings and notes of those declarations and of the file as a
 * whole, not those of the file's other experiments and grids.
 */
export function scopedDiagnostics(result: CompileResult, names: readonly string[]): Diagnostic[] {
  const used = new Set<string>();
  const unused = new Set<string>();
  for (const [name, own] of result.origins) for (const d of own) (names.includes(name) ? used : unused).add(key(d));
  return result.diagnostics.filter((d) => d.severity === 'error' || used.has(key(d)) || !unused.has(key(d)));
}

/** The cells of a compiled grid: each a resolved experiment with its varied values. */
export function expandGrid(result: CompileResult, grid: string): GridCell[] {
  return result.grids.get(grid)?.cells ?? [];
}
