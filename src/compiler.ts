/**
 * The public compiler API: one call takes a .rekd file (plus `--set` overrides) through parsing,
 * imports, `extends`, checks, resolution and grid expansion. Codegen and grid engines start here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExperimentNode, FileNode, GridNode } from './ast/nodes.ts';
import { valueToJson, type JsonValue } from './ast/json.ts';
import { checkExperiment, checkFiles, checkTree } from './check/index.ts';
import { diagnostic, diagnosticKey, hasErrors, sortDiagnostics, type Diagnostic, type Report } from './diagnostics/diagnostic.ts';
import { DiagnosticSink } from './diagnostics/sink.ts';
import { didYouMean } from './diagnostics/did-you-mean.ts';
import { ProgramEdit, TextEdit } from './diagnostics/edit.ts';
import type { Span } from './diagnostics/span.ts';
import { Declarations } from './tree/experiments.ts';
import { keepsCell } from './resolve/condition.ts';
import { axisNodes, gridAssignments, gridCellCount, MAX_GRID_CELLS, usedSets, type Assignment } from './tree/grid.ts';
import { GridCellDiagnostics } from './resolve/grid-cells.ts';
import { displayName, loadProgram, readFromDisk, type ParseFile, type Program, type ReadFile } from './tree/modules.ts';
import { applyPath } from './tree/override.ts';
import { resolveTree, resolveValidPart } from './resolve/resolve.ts';
import type { ProvenanceMap, TreeBlock } from './tree/tree.ts';
import { parseOverride, parseSource } from './syntax/parse.ts';
import { reparseEdited } from './syntax/reparse.ts';
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
  /**
   * The result of compiling an earlier text of the same file (the language server's last
   * compile): what the edit since then left alone is taken from it, not computed again. The
   * result is the same as without it.
   */
  previous?: CompileResult;
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
  /** Display names of the .rekd files read: the compiled file, then what it imports. */
  files: string[];
}

const INTERNAL = 'internal error: please report it on the rekd issue tracker with the file that triggered it';

/** What checking and resolving a tree gave. */
type Checked =
  | { kind: 'resolved'; experiment: ResolvedExperiment; provenance: ProvenanceMap }
  /** It has errors (reported), or syntax errors elsewhere keep anything from being resolved. */
  | { kind: 'invalid' }
  /** A grid's `where` dropped the cell, so it was not checked further. */
  | { kind: 'dropped' };

/**
 * Checks a tree, resolves it when clean, and runs the experiment rules and schema validation.
 * `keep` (a grid's `where`) sees the resolved values before the experiment rules, so a condition
 * can drop the cells those rules would reject.
 */
function resolveChecked(tree: TreeBlock, sink: DiagnosticSink, partial: boolean,
  keep: (experiment: ResolvedExperiment) => boolean = () => true): Checked {
  const treeChecks = sink.step();
  checkTree(tree, partial, treeChecks.report);
  if (partial) return { kind: 'invalid' };
  if (treeChecks.hasErrors()) {
    // The rules between values still check the valid ones, so one pass reports every mistake.
    const valid = resolveValidPart(tree);
    checkExperiment(valid.experiment, valid.provenance, tree.name.span, sink.step().report, valid.unresolved);
    return { kind: 'invalid' };
  }
  const resolved = resolveTree(tree);
  if (!keep(resolved.experiment)) return { kind: 'dropped' };
  const experimentChecks = sink.step();
  checkExperiment(resolved.experiment, resolved.provenance, tree.name.span, experimentChecks.report);
  const invalid = validateResolved(resolved.experiment);
  if (invalid.length) sink.report(diagnostic('RK0001', `${INTERNAL} (resolved '${tree.name.text}' fails its schema)`, tree.name.span, { notes: invalid }));
  return experimentChecks.hasErrors() || invalid.length ? { kind: 'invalid' } : { kind: 'resolved', ...resolved };
}

/** Applies every assignment whose path is valid; the others are reported and skipped. */
function applyAll(tree: TreeBlock, assignments: Assignment[], origin: 'override' | 'grid', report: Report): TreeBlock {
  let current = tree;
  const assigned = new Set(assignments.map((a) => a.path.text));
  for (const { path: p, value } of assignments) {
    const applied = applyPath(current, p, value, value.span, origin);
    if (applied.ok) {
      current = applied.tree;
      for (const warning of applied.warnings ?? []) if (!assigned.has(warning.path)) report(warning.diagnostic);
    } else {
      report(applied.diagnostic);
    }
  }
  return current;
}

/** What every declaration of a file is compiled with. */
interface Compilation {
  declarations: Declarations;
  /** The parsed `--set` overrides. */
  overrides: Assignment[];
  /** Syntax errors may have dropped members: nothing is resolved, rules about missing members stay quiet. */
  partial: boolean;
  /** The file's sink: everything reported so far is in its `diagnostics`. */
  sink: DiagnosticSink;
}

/** Expands and checks one grid, reporting its problems into `own` by the grid-cell policy. */
function compileGrid(grid: GridNode, { declarations, overrides, partial, sink }: Compilation, own: DiagnosticSink): CompiledGrid | null {
  // Too many cells to enumerate: RK0809 (a file rule) says so.
  const sets = declarations.axesSets;
  if (gridCellCount(grid, sets) > MAX_GRID_CELLS) return null;
  const baseNode = declarations.lookup(grid.base, 'grid base experiment');
  const baseTree = baseNode && declarations.tree(baseNode);
  const base = baseTree && applyAll(baseTree, overrides, 'override', own.report);
  if (!baseNode || !base) return null;
  // Problems of the base itself are reported once, for the base, not again for every cell. A
  // base compiled as an experiment of this file reports them too (the duplicates are merged);
  // an imported one, broken by an override, reports them only here.
  const baseChecks = own.step();
  const resolvedBase = resolveChecked(base, baseChecks, partial);
  const compiled: CompiledGrid = {
    name: grid.name.text, base: baseNode.name.text, cells: [], dropped: [],
    baseExperiment: resolvedBase.kind === 'resolved' ? resolvedBase.experiment : null,
    axes: axisNodes(grid, sets).map((axis) => axis.path.text),
  };
  const cellProblems = new GridCellDiagnostics(grid, usedSets(grid, sets), baseChecks.diagnostics, own.report);
  gridAssignments(grid, sets).forEach((assignments, index) => {
    const cell = new DiagnosticSink();
    const checked = resolveChecked(applyAll(base, assignments, 'grid', cell.report), cell, partial, (experiment) => keepsCell(grid, experiment));
    if (checked.kind === 'dropped') {
      compiled.dropped.push(index);
      cellProblems.droppedCell();
      return;
    }
    cellProblems.checkedCell(index, assignments, cell.diagnostics);
    if (checked.kind === 'resolved') {
      const name = `${grid.name.text}_${index}`;
      const values = Object.fromEntries(assignments.map((a) => [a.path.text, valueToJson(a.value)]));
      compiled.cells.push({ index, name, values, experiment: { ...checked.experiment, name }, provenance: checked.provenance });
    }
  });
  cellProblems.finish(sink.diagnostics);
  return compiled;
}

/**
 * What compiling one experiment of the file gave: kept with the result, so that a compile of an
 * edited text (`previous`) can take it when the edit left its declarations alone.
 */
interface ExperimentOutcome {
  /** The declarations it was compiled from: its own, then its bases'. */
  sources: Span[];
  /** What it reported to the file (an unknown base) and to its own scope. */
  reported: Diagnostic[];
  scoped: Diagnostic[];
  checked: Checked | null;
}

/** What a compile keeps for the next compile of an edited text (none with `--set` overrides). */
interface Reusable {
  program: Program;
  /** The files that parsed without a diagnostic, by display name. */
  parsed: Map<string, FileNode>;
  /** The experiments declared in each file, in order: another set of names changes what `extends` finds. */
  names: string;
  /** By experiment name; empty after syntax errors. */
  experiments: Map<string, ExperimentOutcome>;
}

const reusable = new WeakMap<CompileResult, Reusable>();

const experimentNames = (files: readonly FileNode[]): string =>
  files.map((file) => `${file.file}: ${file.experiments.map((e) => e.name.text).join(' ')}`).join('\n');

/** The experiment and the bases it extends, nearest first (a cycle ends the list). */
function lineage(node: ExperimentNode, declarations: Declarations): ExperimentNode[] {
  const chain = [node];
  for (let base = node.base && declarations.experiments.get(node.base.text); base && !chain.includes(base);
    base = base.base && declarations.experiments.get(base.base.text)) chain.push(base);
  return chain;
}

/** A diagnostic text that names a line (`file:12`, `line 12`) goes stale when the lines move. */
const namesPlace = (d: Diagnostic): boolean => [d.message, ...d.notes].some((text) => /:\d|\bline \d/.test(text));

/**
 * `earlier` moved to the edited text, when the edit left its declarations alone (and did not move
 * their lines when a diagnostic names one); undefined when the experiment must be compiled again.
 */
function carriedOver(earlier: ExperimentOutcome | undefined, node: ExperimentNode, declarations: Declarations, edit: ProgramEdit): ExperimentOutcome | undefined {
  if (!earlier) return undefined;
  const sources = lineage(node, declarations).map((n) => n.span);
  const moved = edit.moveSpans(earlier.sources);
  const same = (a: Span, b: Span) => a.file === b.file && a.start === b.start && a.end === b.end && a.line === b.line && a.column === b.column;
  if (!moved || moved.length !== sources.length || moved.some((span, i) => !same(span, sources[i]))) return undefined;
  const linesMoved = moved.some((span, i) => span.line !== earlier.sources[i].line || span.column !== earlier.sources[i].column);
  if (linesMoved && [...earlier.reported, ...earlier.scoped].some(namesPlace)) return undefined;
  const diagnostics = edit.moveSpans({ reported: earlier.reported, scoped: earlier.scoped });
  const checked = earlier.checked?.kind === 'resolved' ? earlier.checked : null;
  const provenance = checked ? movedProvenance(checked.provenance, edit) : undefined;
  if (!diagnostics || provenance === null) return undefined;
  return { sources: moved, ...diagnostics, checked: checked && provenance ? { ...checked, provenance } : earlier.checked };
}

/** Provenance moved to the edited text (each experiment has a hundred entries: written out for speed); null when the edit touched one. */
function movedProvenance(provenance: ProvenanceMap, edit: ProgramEdit): ProvenanceMap | null {
  const moved: ProvenanceMap = new Map();
  for (const [key, entry] of provenance) {
    const span = entry.span && edit.span(entry.span);
    if (entry.span && !span) return null;
    moved.set(key, span === entry.span ? entry : { source: entry.source, span });
  }
  return moved;
}

/** Compiles source text held in memory; `file` is its display name and anchors relative imports. */
export function compileSource(text: string, file: string, options: CompileOptions = {}): CompileResult {
  const earlier = options.previous && !options.overrides?.length ? reusable.get(options.previous) : undefined;
  const parsed = new Map<string, FileNode>();
  /** How each file the earlier compile read changed since. */
  const edits: TextEdit[] = [];
  const parse: ParseFile = (source, name) => {
    const beforeText = earlier?.program.sources.get(name);
    const edit = beforeText === undefined ? undefined : new TextEdit(name, beforeText, source);
    if (edit) edits.push(edit);
    const before = earlier?.parsed.get(name);
    const kept = before && edit && (beforeText === source ? before : reparseEdited(before, edit));
    const result = kept ? { value: kept, diagnostics: [] } : parseSource(source, name);
    if (!result.diagnostics.length) parsed.set(name, result.value);
    return result;
  };
  const program = loadProgram(path.resolve(file), text, options.readFile ?? readFromDisk, file, parse);
  const sink = new DiagnosticSink();
  sink.reportAll(program.diagnostics);
  checkFiles(program.files, sink.report);
  const sources = new Map(program.sources);

  const overrides: Assignment[] = [];
  (options.overrides ?? []).forEach((override, i) => {
    const name = `<--set ${i + 1}>`;
    sources.set(name, override);
    const parsedOverride = parseOverride(override, name);
    sink.reportAll(parsedOverride.diagnostics);
    if (parsedOverride.value && !hasErrors(parsedOverride.diagnostics)) overrides.push({ path: parsedOverride.value.path, value: parsedOverride.value.value });
  });

  /** What `declarations` reports while an experiment is compiled is its outcome's too. */
  let recording: Diagnostic[] | null = null;
  const declarations = new Declarations(program.files, (d) => {
    recording?.push(d);
    sink.report(d);
  });
  const compilation: Compilation = {
    declarations, overrides, sink,
    partial: program.diagnostics.some((d) => d.code.startsWith('RK01')),
  };
  const root = program.files[0];
  const result: CompileResult = {
    diagnostics: [], ok: false, experiments: new Map(), provenance: new Map(), grids: new Map(),
    gridNames: root.grids.map((grid) => grid.name.text), origins: new Map(), sources, files: [...program.sources.keys()],
  };
  /** The sink of compiling the declarations named `name`: their diagnostics are their own (origins) and the file's. */
  const scopes = new Map<string, DiagnosticSink>();
  const compiling = (name: string): DiagnosticSink => {
    if (!scopes.has(name)) scopes.set(name, sink.scope());
    return scopes.get(name)!;
  };
  const names = experimentNames(program.files);
  const edit = earlier && !compilation.partial && earlier.names === names ? new ProgramEdit(edits) : undefined;
  const outcomes = new Map<string, ExperimentOutcome>();
  for (const node of root.experiments) {
    if (declarations.experiments.get(node.name.text) !== node) continue;
    const own = compiling(node.name.text);
    let outcome = edit && carriedOver(earlier!.experiments.get(node.name.text), node, declarations, edit);
    if (outcome) {
      sink.reportAll(outcome.reported);
      own.reportAll(outcome.scoped);
    } else {
      const reported: Diagnostic[] = [];
      recording = reported;
      const tree = declarations.tree(node);
      recording = null;
      const checked = tree ? resolveChecked(applyAll(tree, overrides, 'override', own.report), own, compilation.partial) : null;
      outcome = { sources: lineage(node, declarations).map((n) => n.span), reported, scoped: own.diagnostics, checked };
    }
    outcomes.set(node.name.text, outcome);
    if (outcome.checked?.kind === 'resolved') {
      result.experiments.set(node.name.text, outcome.checked.experiment);
      result.provenance.set(node.name.text, outcome.checked.provenance);
    }
  }
  for (const grid of options.grids === false ? [] : root.grids) {
    if (declarations.grids.get(grid.name.text) !== grid) continue;
    const compiled = compileGrid(grid, compilation, compiling(grid.name.text));
    if (compiled) result.grids.set(grid.name.text, compiled);
  }
  for (const [name, scope] of scopes) result.origins.set(name, scope.diagnostics);
  result.diagnostics = sortDiagnostics(sink.diagnostics, [...sources.keys()]);
  result.ok = !hasErrors(result.diagnostics);
  if (!options.overrides?.length) {
    reusable.set(result, { program, parsed, names, experiments: compilation.partial ? new Map() : outcomes });
  }
  return result;
}

/** The parsed files a result was compiled from (root first), when the compile kept them (no `--set` overrides). */
export function compiledProgram(result: CompileResult): Program | undefined {
  return reusable.get(result)?.program;
}

/** Reads and compiles a .rekd file. An unreadable file gives one RK0002 diagnostic. */
export function compileFile(file: string, options: CompileOptions = {}): CompileResult {
  const readFile = options.readFile ?? readFromDisk;
  const text = readFile(path.resolve(file));
  if (text === undefined) {
    return {
      diagnostics: [diagnostic('RK0002', `cannot read '${file}'${unreadable(path.resolve(file))}`, null)], ok: false,
      experiments: new Map(), provenance: new Map(), grids: new Map(), gridNames: [], origins: new Map(), sources: new Map(), files: [],
    };
  }
  return compileSource(text, displayName(path.resolve(file)), options);
}

/** Why a file could not be read, when the file system says (`: no such file`). */
function unreadable(file: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) {
    const near = nearbyRekdFile(file);
    return `: no such file${near === undefined ? '' : `; did you mean '${displayName(near)}'?`}`;
  }
  if (stat.isDirectory()) return ': it is a folder';
  return '';
}

/** A .rekd file in `file`'s folder whose name is close to its (a typo, another case, the extension left out). */
function nearbyRekdFile(file: string): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.rekd'));
  } catch {
    return undefined;
  }
  const wanted = path.basename(file, '.rekd');
  const stems = names.map((name) => path.basename(name, '.rekd'));
  const near = stems.find((stem) => stem.toLowerCase() === wanted.toLowerCase()) ?? didYouMean(wanted, stems);
  return near === undefined ? undefined : path.join(path.dirname(file), `${near}.rekd`);
}

/**
 * The diagnostics a command using only the declarations `names` shows: every error (a file with
 * errors runs nothing), and the warnings and notes of those declarations and of the file as a
 * whole, not those of the file's other experiments and grids.
 */
export function scopedDiagnostics(result: CompileResult, names: readonly string[]): Diagnostic[] {
  const used = new Set<string>();
  const unused = new Set<string>();
  for (const [name, own] of result.origins) for (const d of own) (names.includes(name) ? used : unused).add(diagnosticKey(d));
  return result.diagnostics.filter((d) => d.severity === 'error' || used.has(diagnosticKey(d)) || !unused.has(diagnosticKey(d)));
}

/** The cells of a compiled grid: each a resolved experiment with its varied values. */
export function expandGrid(result: CompileResult, grid: string): GridCell[] {
  return result.grids.get(grid)?.cells ?? [];
}

/**
 * The text `result` was compiled from for `file` (as given to compileFile): hash and copy this, not
 * a second read of the file, which could see a newer version than the one compiled.
 */
export function compiledText(result: CompileResult, file: string): string {
  const name = displayName(path.resolve(file));
  const text = result.sources.get(name);
  if (text === undefined) throw new Error(`${name} is not among the compiled sources (${[...result.sources.keys()].join(', ')})`);
  return text;
}
