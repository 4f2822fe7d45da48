/**
 * What `compile`, `run` and `preview` share: compile a .rekd file through every check (a file with
 * errors never reaches code generation), show its diagnostics (those of what is used: another
 * grid's warnings are not this command's business), and pick the experiments asked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFile, scopedDiagnostics, type CompileResult, type Diagnostic, type ResolvedExperiment } from '../compiler.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { displayName } from '../tree/modules.ts';
import { UsageError } from './args.ts';
import { showDiagnostics, showFailure, type Format } from './diagnostics-output.ts';

export interface CompiledFile {
  /** Display name of the file (relative to the working directory when inside it). */
  file: string;
  /** The file's text (hashed into program headers, copied into run directories). */
  text: string;
  experiments: ResolvedExperiment[];
}

export interface Compiled {
  compiled: CompiledFile;
  /** The diagnostics shown (warnings and notes of what is used), for a JSON result. */
  diagnostics: Diagnostic[];
}

/** The grid `cell` (such as `grid_3`) belongs to, or undefined. */
const gridOfCell = (result: CompileResult, cell: string): string | undefined =>
  [...result.grids.values()].find((grid) => grid.cells.some((c) => c.name === cell))?.name;

/**
 * Compiles `file` with `overrides` and shows its diagnostics (stderr, or in the JSON of the
 * command). Null when the file has errors (the caller exits with 1); errors inside grids count
 * only when `name` is a grid cell. `command` names the command in messages about names.
 */
export function compileExperiments(file: string, overrides: readonly string[], name: string | undefined, command: string,
  format: Format = 'text'): Compiled | null {
  // A declared experiment needs no grid; a grid cell (or an unknown name) needs them expanded.
  const withoutGrids = compileFile(file, { overrides, grids: false });
  const wantsGrids = name !== undefined && !withoutGrids.experiments.has(name) && withoutGrids.ok;
  const result = wantsGrids ? compileFile(file, { overrides }) : withoutGrids;
  if (!result.ok) {
    showFailure(result.diagnostics, result.sources, format);
    return null;
  }
  const experiments = select(result, file, name, command);
  const used = name === undefined || result.experiments.has(name) ? experiments.map((e) => e.name) : [gridOfCell(result, name)!];
  const diagnostics = scopedDiagnostics(result, used);
  showDiagnostics(diagnostics, result.sources, format);
  const text = fs.readFileSync(file, 'utf8');
  return { compiled: { file: displayName(path.resolve(file)), text, experiments }, diagnostics };
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
  const cells = [...result.grids.values()].flatMap((grid) => grid.cells.map((cell) => cell.experiment));
  const found = result.experiments.get(name) ?? cells.find((cell) => cell.name === name);
  if (found) return [found];
  if (result.gridNames.includes(name)) throw new UsageError(`'${name}' in ${file} is a grid, not an experiment:\n${gridCommands(file, name, command)}`);
  throw new UsageError(unknownName(file, name, 'experiment', [...result.experiments.keys()], result.gridNames, cells.map((c) => c.name)));
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
