/**
 * runs/grids/<grid>/: what a grid run keeps besides its cells' run directories. grid.json lists
 * the cells (so `rekdc report` can rebuild the results from the folder alone); cells/<run>.json
 * holds each cell's wall time, added up over the sessions that trained it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompiledGrid, JsonValue } from '../compiler.ts';
import { readJson } from '../runtime/run/directory.ts';
import { writeJsonAtomic } from '../runtime/run/atomic.ts';
import { runDirectory } from '../runs/directory.ts';
import { RUNS_FOLDER } from '../runs/folders.ts';
import { methodLabel, studentLabel } from './methods.ts';

export interface ManifestCell {
  name: string;
  index: number;
  values: Record<string, JsonValue>;
  /** The cell's run directory, relative to the working directory of the grid run. */
  dir: string;
  /** From the cell's resolved experiment (absent in grid folders written before they were recorded). */
  seed?: number;
  method?: string;
  student?: string;
}

export interface GridManifest {
  grid: string;
  base: string;
  file: string;
  axes: string[];
  cells: ManifestCell[];
}

export interface CellTime {
  wall_seconds: number;
  sessions: number;
}

export const gridFolder = (grid: string, runsRoot = RUNS_FOLDER): string => path.join(runsRoot, 'grids', grid);

export function manifestOf(grid: CompiledGrid, file: string, runsRoot = RUNS_FOLDER): GridManifest {
  return {
    grid: grid.name, base: grid.base, file, axes: grid.axes,
    cells: grid.cells.map((c) => ({
      name: c.name, index: c.index, values: c.values, dir: runDirectory(c.experiment, runsRoot),
      seed: c.experiment.seed, method: methodLabel(c.experiment), student: studentLabel(c.experiment),
    })),
  };
}

export function writeManifest(folder: string, manifest: GridManifest): void {
  writeJsonAtomic(path.join(folder, 'grid.json'), manifest);
}

/** The manifest of a grid folder, or undefined when `folder` is not one. */
export function readManifest(folder: string): GridManifest | undefined {
  return readJson<GridManifest>(path.join(folder, 'grid.json'));
}

const timeFile = (folder: string, runDir: string): string => path.join(folder, 'cells', `${path.basename(runDir)}.json`);

export function readCellTime(folder: string, runDir: string): CellTime | undefined {
  return readJson<CellTime>(timeFile(folder, runDir));
}

/** Adds one session's wall time to a cell's record (one process owns a cell at a time: its run lock). */
export function addCellTime(folder: string, runDir: string, seconds: number): void {
  const before = readCellTime(folder, runDir) ?? { wall_seconds: 0, sessions: 0 };
  fs.mkdirSync(path.join(folder, 'cells'), { recursive: true });
  writeJsonAtomic(timeFile(folder, runDir), { wall_seconds: before.wall_seconds + seconds, sessions: before.sessions + 1 });
}
