/**
 * The runs a comparison shows: each operand is a run directory, or a grid folder
 * (runs/grids/<grid>) standing for its cells' run directories. Each run is read once (metrics.jsonl,
 * eval.json) through src/runs/; a directory that is neither, or a run with nothing to show, is an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifest, type GridManifest } from '../grid/folder.ts';
import { readRunResults, type RunResults } from '../runs/results.ts';
import { UsageError } from '../runs/usage-error.ts';
import { RunError, runPaths } from '../runtime/run/directory.ts';
import type { Warn } from '../runtime/user-problems.ts';

export interface ComparedRun extends RunResults {
  /** The name plots and tables use: the run directory's name, `<grid>/<cell>` for a grid's cell. */
  label: string;
}

/** Whether a run has anything to compare: a logged window or a final evaluation. */
const hasMetrics = (run: RunResults): boolean => run.records.length > 0 || run.eval !== undefined;

/**
 * A cell's run directory. grid.json records it relative to where the grid ran; from elsewhere it
 * is found beside the grid folder's runs folder (runs/grids/<grid> -> runs/<run>).
 */
function cellDirectory(folder: string, recorded: string): string {
  if (fs.existsSync(recorded)) return recorded;
  return path.join(folder, '..', '..', path.basename(recorded));
}

function gridRuns(folder: string, manifest: GridManifest, warn: Warn): ComparedRun[] {
  const cells = manifest.cells.map((cell) => ({ ...readRunResults(cellDirectory(folder, cell.dir)), label: `${manifest.grid}/${cell.name}` }));
  const shown = cells.filter(hasMetrics);
  if (shown.length === 0) throw new RunError(`${folder}: none of the ${cells.length} cells of grid ${manifest.grid} has metrics yet (no metrics.jsonl or eval.json in their run directories)`);
  const missing = cells.filter((cell) => !hasMetrics(cell));
  if (missing.length > 0) warn(`${folder}: ${missing.length} of ${cells.length} cells have no metrics yet and are left out (${missing.map((c) => c.label).join(', ')})`);
  return shown;
}

function singleRun(dir: string): ComparedRun {
  const paths = runPaths(dir);
  if (![paths.resolved, paths.metrics, paths.eval].some((file) => fs.existsSync(file))) {
    throw new RunError(`${dir} is not a run directory or a grid folder (it has no resolved.json, metrics.jsonl, eval.json or grid.json)`);
  }
  const run = { ...readRunResults(dir), label: path.basename(path.resolve(dir)) };
  if (!hasMetrics(run)) throw new RunError(`${dir} has no metrics yet (metrics.jsonl has no records and there is no eval.json)`);
  return run;
}

/** Every run the operands name, in order; labels made unique (`name (2)`) when two runs share one. */
export function comparedRuns(operands: readonly string[], warn: Warn): ComparedRun[] {
  const runs = operands.flatMap((dir) => {
    const found = fs.statSync(dir, { throwIfNoEntry: false });
    if (!found?.isDirectory()) throw new RunError(`${dir} ${found ? 'is not a directory' : 'does not exist'} (a run directory or a grid folder was expected)`);
    const manifest = readManifest(dir);
    return manifest ? gridRuns(dir, manifest, warn) : [singleRun(dir)];
  });
  const seen = new Map<string, number>();
  return runs.map((run) => {
    const count = (seen.get(run.label) ?? 0) + 1;
    seen.set(run.label, count);
    return count === 1 ? run : { ...run, label: `${run.label} (${count})` };
  });
}

/** The index of the baseline run: `baseline` as a label or a directory; the first run when absent. A usage error when no run is it. */
export function baselineIndex(runs: readonly ComparedRun[], baseline: string | undefined): number {
  if (baseline === undefined) return 0;
  const byLabel = runs.findIndex((run) => run.label === baseline);
  if (byLabel >= 0) return byLabel;
  const byDir = runs.findIndex((run) => path.resolve(run.dir) === path.resolve(baseline));
  if (byDir >= 0) return byDir;
  throw new UsageError(`--baseline ${baseline} is not one of the compared runs (${runs.map((run) => run.label).join(', ')})`);
}
