/** What `plan` and `grid` share: compile a .rekd file through every check and pick one of its grids. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFile, scopedDiagnostics, type CompiledGrid, type Diagnostic } from '../compiler.ts';
import { displayName } from '../tree/modules.ts';
import { UsageError } from './args.ts';
import { unknownName, type CompiledFile } from './compiled.ts';
import { gridWithConcreteSplits } from './data-split.ts';
import { showDiagnostics, showFailure, type Format } from './diagnostics-output.ts';

export interface LoadedGrid {
  grid: CompiledGrid;
  /** The file as `rekdc run` sees it (its cells run from it). */
  source: CompiledFile;
  /** The diagnostics shown: every error, and the warnings and notes of this grid (and its base). */
  diagnostics: Diagnostic[];
}

/**
 * Compiles `file` with `overrides` and shows the diagnostics of the grid `name` (every invalid
 * cell among them, each naming its values). Null when the file has errors: no cell of it runs.
 * Data splits written `auto` are made concrete (the cells' run ids depend on them).
 */
export function loadGrid(file: string, name: string, overrides: readonly string[], format: Format = 'text'): LoadedGrid | null {
  const result = compileFile(file, { overrides });
  if (!result.ok) {
    showFailure(result.diagnostics, result.sources, format);
    return null;
  }
  const compiled = result.grids.get(name);
  if (!compiled) {
    if (result.experiments.has(name)) {
      throw new UsageError(`'${name}' in ${file} is an experiment, not a grid: rekdc run ${file} ${name} runs it`);
    }
    throw new UsageError(unknownName(file, name, 'grid', [], result.gridNames));
  }
  const diagnostics = scopedDiagnostics(result, [name]);
  showDiagnostics(diagnostics, result.sources, format);
  const grid = gridWithConcreteSplits(compiled);
  const text = fs.readFileSync(file, 'utf8');
  return { grid, source: { file: displayName(path.resolve(file)), text, experiments: grid.cells.map((c) => c.experiment) }, diagnostics };
}
