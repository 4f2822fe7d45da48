/**
 * What `compile` and `run` share: compile a .rekd file through every check (a file with errors
 * never reaches code generation), print its diagnostics, and pick the experiments asked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFile, renderDiagnostics, type CompileResult, type ResolvedExperiment } from '../compiler.ts';
import { displayName } from '../resolve/modules.ts';
import { UsageError, useColor } from './args.ts';

export interface CompiledFile {
  /** Display name of the file (relative to the working directory when inside it). */
  file: string;
  /** The file's text (hashed into program headers, copied into run directories). */
  text: string;
  experiments: ResolvedExperiment[];
}

/** Every experiment declared in the file, or only `name` (an experiment or a grid cell such as `grid_3`). */
function select(result: CompileResult, file: string, name: string | undefined): ResolvedExperiment[] {
  const cells = [...result.grids.values()].flatMap((grid) => grid.cells.map((cell) => cell.experiment));
  if (name === undefined) return [...result.experiments.values()];
  const found = result.experiments.get(name) ?? cells.find((cell) => cell.name === name);
  if (found) return [found];
  const known = [...result.experiments.keys(), ...cells.map((cell) => cell.name)];
  throw new UsageError(`${file} has no experiment '${name}'${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
}

/**
 * Compiles `file` with `overrides`; prints its diagnostics to stderr. Returns null when the file
 * has errors (the caller exits with 1); errors inside grids count only when `name` is a grid cell.
 */
export function compileExperiments(file: string, overrides: readonly string[], name: string | undefined): CompiledFile | null {
  // A declared experiment needs no grid; a grid cell (or an unknown name) needs them expanded.
  const withoutGrids = compileFile(file, { overrides, grids: false });
  const wantsGrids = name !== undefined && !withoutGrids.experiments.has(name) && withoutGrids.ok;
  const result = wantsGrids ? compileFile(file, { overrides }) : withoutGrids;
  if (result.diagnostics.length) {
    process.stderr.write(`${renderDiagnostics(result.diagnostics, result.sources, { color: useColor() && Boolean(process.stderr.isTTY) })}\n`);
  }
  if (!result.ok) return null;
  const text = fs.readFileSync(file, 'utf8');
  return { file: displayName(path.resolve(file)), text, experiments: select(result, file, name) };
}

/** The one experiment a command acts on (`run`, `preview`): a file declaring several must name it. */
export function onlyExperiment(compiled: CompiledFile, action: string, usage: string): ResolvedExperiment {
  if (compiled.experiments.length !== 1) {
    const names = compiled.experiments.map((e) => e.name).join(', ');
    throw new UsageError(`${compiled.file} declares ${compiled.experiments.length} experiments (${names}); name the one to ${action}\nusage: ${usage}`);
  }
  return compiled.experiments[0];
}
