/** What `plan` and `grid` share: compile a .rekd file through every check and pick one of its grids. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFile, renderDiagnostics, type CompiledGrid } from '../compiler.ts';
import { displayName } from '../resolve/modules.ts';
import { UsageError, useColor } from './args.ts';
import type { CompiledFile } from './compiled.ts';
import { gridWithConcreteSplits } from './data-split.ts';

export interface LoadedGrid {
  grid: CompiledGrid;
  /** The file as `rekdc run` sees it (its cells run from it). */
  source: CompiledFile;
}

/**
 * Compiles `file` with `overrides` and prints its diagnostics (every invalid cell among them, each
 * naming its values). Null when the file has errors: no cell of it runs. Data splits written
 * `auto` are made concrete (the cells' run ids depend on them).
 */
export function loadGrid(file: string, name: string, overrides: readonly string[]): LoadedGrid | null {
  const result = compileFile(file, { overrides });
  if (result.diagnostics.length) {
    process.stderr.write(`${renderDiagnostics(result.diagnostics, result.sources, { color: useColor() && Boolean(process.stderr.isTTY) })}\n`);
  }
  if (!result.ok) return null;
  const compiled = result.grids.get(name);
  if (!compiled) {
    const known = [...result.grids.keys()];
    throw new UsageError(`${file} has no grid '${name}'${known.length ? ` (it has: ${known.join(', ')})` : ''}`);
  }
  const grid = gridWithConcreteSplits(compiled);
  const text = fs.readFileSync(file, 'utf8');
  return { grid, source: { file: displayName(path.resolve(file)), text, experiments: grid.cells.map((c) => c.experiment) } };
}
