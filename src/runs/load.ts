/**
 * Loading a .rekd file for a run: compile it once through every check (a file with errors never
 * reaches code generation), pick the experiments or the grid asked for, and keep the diagnostics
 * of what is used (another grid's warnings are not this request's business). Nothing is printed:
 * front ends show the diagnostics their own way.
 */
import { compileFile, scopedDiagnostics, type CompiledGrid, type CompileResult, type Diagnostic, type GridCell, type ResolvedExperiment } from '../compiler.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { compiledFile, type CompiledFile } from './compiled-file.ts';
import { gridWithConcreteSplits } from './split.ts';
import { UsageError } from './usage-error.ts';

/** A file with errors: nothing of it runs. */
export interface LoadFailure {
  ok: false;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export interface LoadedExperiments {
  ok: true;
  compiled: CompiledFile;
  /** The warnings and notes of what is used. */
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export interface LoadedGrid {
  ok: true;
  /** Its cells' data splits written `auto` made concrete (their run ids depend on them). */
  grid: CompiledGrid;
  /** The file as `rekdc run` sees it (its cells run from it). */
  source: CompiledFile;
  /** Every error, and the warnings and notes of this grid (and its base). */
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

/** The grid `cell` (such as `grid_3`) belongs to, or undefined. */
export const gridOfCell = (result: CompileResult, cell: string): string | undefined =>
  [...result.grids.values()].find((grid) => grid.cells.some((c) => c.name === cell))?.name;

/** The cell `name` (such as `grid_3`) of one of the file's grids, or undefined. */
export const findCell = (result: CompileResult, name: string): GridCell | undefined =>
  [...result.grids.values()].flatMap((grid) => grid.cells).find((cell) => cell.name === name);

/**
 * Why `name`, written as a cell of one of the file's grids (`<grid>_<index>`), is not one: the
 * grid's `where` removed it, or the grid has fewer cells. Undefined for any other name.
 */
export function missingCell(result: CompileResult, file: string, name: string): string | undefined {
  const match = /^(.+)_(\d+)$/.exec(name);
  const grid = match ? result.grids.get(match[1]) : undefined;
  if (!match || !grid) return undefined;
  const index = Number(match[2]);
  const total = grid.cells.length + grid.dropped.length;
  if (grid.dropped.includes(index)) {
    return `the grid ${grid.name} in ${file} has no cell ${name}: its \`where\` removed it (rekdc plan ${file} ${grid.name} lists the cells it keeps)`;
  }
  if (index >= total) {
    return `the grid ${grid.name} in ${file} has ${total} cell${total === 1 ? '' : 's'} (${grid.name}_0 to ${grid.name}_${total - 1}): there is no ${name}`;
  }
  return undefined;
}

/**
 * Compiles `file` with `overrides` and picks every experiment it declares, or only `name` (an
 * experiment or a grid cell such as `grid_3`). Errors anywhere in the file stop it, its grids'
 * included; with overrides, the grids are checked as written, so that a grid the overrides break
 * (`--set teacher=none` under a grid varying the teacher's pretrain epochs) does not stop a
 * command acting on one experiment. `command` names the command in messages about names.
 */
export function loadExperiments(file: string, overrides: readonly string[], name: string | undefined, command: string): LoadFailure | LoadedExperiments {
  const asWritten = compileFile(file);
  const result = overrides.length === 0 || !asWritten.ok ? asWritten : compileFile(file, { overrides, grids: isCell(asWritten, name) });
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics, sources: result.sources };
  const experiments = select(result, file, name, command);
  const used = name === undefined || result.experiments.has(name) ? experiments.map((e) => e.name) : [gridOfCell(result, name)!];
  return { ok: true, compiled: compiledFile(result, file, experiments), diagnostics: scopedDiagnostics(result, used), sources: result.sources };
}

/** Whether `name` is not one of the file's experiments (a grid cell, or unknown: then the grids tell which). */
const isCell = (result: CompileResult, name: string | undefined): boolean => name !== undefined && !result.experiments.has(name);

/** Compiles `file` with `overrides` and picks its grid `name` (every invalid cell is among the errors). */
export function loadGrid(file: string, name: string, overrides: readonly string[]): LoadFailure | LoadedGrid {
  const result = compileFile(file, { overrides });
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics, sources: result.sources };
  const compiled = result.grids.get(name);
  if (!compiled) {
    if (result.experiments.has(name)) {
      throw new UsageError(`'${name}' in ${file} is an experiment, not a grid: rekdc run ${file} ${name} runs it`);
    }
    throw new UsageError(unknownName(file, name, 'grid', [], result.gridNames));
  }
  const grid = gridWithConcreteSplits(compiled);
  return {
    ok: true, grid, source: compiledFile(result, file, grid.cells.map((c) => c.experiment)),
    diagnostics: scopedDiagnostics(result, [name]), sources: result.sources,
  };
}

/**
 * Every experiment declared in the file, or only `name` (an experiment or a grid cell such as
 * `grid_3`). A name that is neither, and a file declaring only grids, are usage errors that say
 * what the file has and how to use a grid.
 */
function select(result: CompileResult, file: string, name: string | undefined, command: string): ResolvedExperiment[] {
  if (name === undefined) {
    if (result.experiments.size > 0) return [...result.experiments.values()];
    const grids = result.gridNames;
    if (grids.length === 0) throw new UsageError(`${file} declares no experiment and no grid: nothing to ${command}`);
    throw new UsageError(`${file} declares no experiment, only grids (${grids.join(', ')}):\n${gridCommands(file, grids[0], command)}`);
  }
  const found = result.experiments.get(name) ?? findCell(result, name)?.experiment;
  if (found) return [found];
  if (result.gridNames.includes(name)) throw new UsageError(`'${name}' in ${file} is a grid, not an experiment:\n${gridCommands(file, name, command)}`);
  // A command acts on the file's own experiments: one it imports is named with the file declaring it.
  const declaredIn = result.files.slice(1).find((imported) => compileFile(imported, { grids: false }).experiments.has(name));
  if (declaredIn !== undefined) {
    throw new UsageError(`'${name}' is declared in ${declaredIn}, which ${file} imports; ${command} it from there: rekdc ${command} ${declaredIn} ${name}`);
  }
  const cells = [...result.grids.values()].flatMap((grid) => grid.cells.map((cell) => cell.name));
  throw new UsageError(missingCell(result, file, name) ?? unknownName(file, name, 'experiment', [...result.experiments.keys()], result.gridNames, cells));
}

/** How a grid is used instead: run all its cells, list them, or `command` one cell. */
function gridCommands(file: string, grid: string, command: string): string {
  const rows = [
    [`rekdc grid ${file} ${grid}`, 'runs its cells'],
    [`rekdc plan ${file} ${grid}`, 'lists them'],
    [`rekdc ${command} ${file} ${grid}_0`, `${command === 'run' ? 'runs' : `${command}s`} its first cell`],
  ];
  const width = Math.max(...rows.map(([text]) => text.length)) + 2;
  return rows.map(([text, what]) => `  ${text.padEnd(width)}${what}`).join('\n');
}

/**
 * `<file> has no experiment 'quickstat'; did you mean 'quickstart'?`, listing what the file has
 * when nothing is close (every grid, but not the cells: a grid may have hundreds).
 */
export function unknownName(file: string, name: string, what: string, experiments: readonly string[], grids: readonly string[],
  cells: readonly string[] = []): string {
  const near = didYouMean(name, [...experiments, ...grids, ...cells]);
  if (near !== undefined) return `${file} has no ${what} '${name}'; did you mean '${near}'?`;
  const has = [
    ...(experiments.length ? [`experiments ${experiments.join(', ')}`] : []),
    ...(grids.length ? [`grids ${grids.join(', ')}`] : []),
  ];
  return `${file} has no ${what} '${name}' (it declares ${has.join('; ') || `no ${what}`})`;
}

/** The one experiment a command acts on (`run`, `preview`): a file declaring several must name it. */
export function onlyExperiment(compiled: CompiledFile, command: string): ResolvedExperiment {
  if (compiled.experiments.length !== 1) {
    const names = compiled.experiments.map((e) => e.name).join(', ');
    throw new UsageError(`${compiled.file} declares ${compiled.experiments.length} experiments (${names}); ` +
      `name the one to ${command}: rekdc ${command} ${compiled.file} <experiment>`);
  }
  return compiled.experiments[0];
}
