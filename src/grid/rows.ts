/**
 * A grid's results, one row per cell, read from the cells' run directories alone: the varied
 * values, the seed, method and student (from the run's resolved.json, or the manifest for a cell
 * not started), the state, the eval.json metrics and the relation miner's last window.
 */
import type { JsonValue, ResolvedExperiment } from '../compiler.ts';
import { readJson, RunDirectory } from '../runtime/run/directory.ts';
import { flattenResults } from '../runtime/run/report.ts';
import { readRunInfo, runTotals, type RunInfo } from '../runtime/run/run-info.ts';
import { runProgress, type RunProgress } from '../runs/directory.ts';
import { readRunResults } from '../runs/results.ts';
import { readCellTime, type GridManifest, type ManifestCell } from './folder.ts';
import { methodLabel, studentLabel } from './methods.ts';

/** The metric columns, each read from eval.json by its path there (the floors are the probes of the raw pixels and of the untrained student). */
export const METRICS = [
  ['linear_top1', 'linear.top1'], ['knn_top1', 'knn.top1'], ['effective_rank', 'collapse.effectiveRank'],
  ['alignment', 'collapse.alignment'], ['uniformity', 'collapse.uniformity'], ['purity', 'collapse.purity'],
  ['teacher_knn_top1', 'teacher.knn.top1'],
  ['pixels_linear_top1', 'floors.pixels.linear.top1'], ['pixels_knn_top1', 'floors.pixels.knn.top1'],
  ['untrained_linear_top1', 'floors.untrained.linear.top1'], ['untrained_knn_top1', 'floors.untrained.knn.top1'],
] as const;
/** The relation miner's columns, read from the last metrics.jsonl window that measured it (none without a miner). */
const MINER = ['miner_precision', 'miner_chance'] as const;
export type Metric = typeof METRICS[number][0] | typeof MINER[number];
/** The two top-1 metrics methods are compared in. */
export type Top1 = 'linear_top1' | 'knn_top1';
export const METRIC_COLUMNS: readonly Metric[] = [...METRICS.map(([column]) => column), ...MINER];

export interface ResultRow {
  cell: string;
  values: Record<string, JsonValue>;
  /** Absent only for a cell neither started nor described by its grid.json (folders of older versions). */
  seed?: number;
  method?: string;
  student?: string;
  state: RunProgress;
  metrics: Partial<Record<Metric, number>>;
  wall_seconds?: number;
  dir: string;
  /** eval.json's other numbers by column name (evalColumn), and run-info.json; for results.csv. */
  details?: { eval: Record<string, number>; info: RunInfo };
}

const covered = new Set<string>(METRICS.map(([, dotted]) => dotted));
const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The column of an eval.json number not in METRICS: its path in snake case joined by `_`, floors named like METRICS's (`pixels_linear_top5`). */
export const evalColumn = (dotted: string): string => dotted.split('.').map(snake).join('_').replace(/^floors_/, '');

/** The numbers of eval.json that METRICS does not cover, by column name. */
function otherEvalNumbers(evaluation: unknown): Record<string, number> {
  return Object.fromEntries(flattenResults(evaluation).filter(([dotted]) => !covered.has(dotted)).map(([dotted, v]) => [evalColumn(dotted), v]));
}

/** Totals of run-info.json for a table: undefined fields when the run has none. */
export const runInfoTotals = (row: ResultRow) => (row.details ? runTotals(row.details.info) : undefined);

function read(value: unknown, dotted: string): number | undefined {
  const found = dotted.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
  return typeof found === 'number' ? found : undefined;
}

/** Seed, method and student of a cell: from the resolved experiment it ran, else from its grid.json entry. */
function describeCell(cell: ManifestCell, run: RunDirectory): Pick<ResultRow, 'seed' | 'method' | 'student'> {
  const resolved = readJson<ResolvedExperiment>(run.paths.resolved);
  if (resolved && typeof resolved.seed === 'number' && resolved.loss && resolved.student) {
    return { seed: resolved.seed, method: methodLabel(resolved), student: studentLabel(resolved) };
  }
  return {
    ...(cell.seed !== undefined ? { seed: cell.seed } : {}),
    ...(cell.method !== undefined ? { method: cell.method } : {}),
    ...(cell.student !== undefined ? { student: cell.student } : {}),
  };
}

export function collectResults(manifest: GridManifest, folder: string): ResultRow[] {
  return manifest.cells.map((cell) => {
    const run = new RunDirectory(cell.dir);
    const { eval: evaluation, miner } = readRunResults(cell.dir);
    const metrics: ResultRow['metrics'] = {};
    for (const [column, dotted] of METRICS) {
      const v = read(evaluation, dotted);
      if (v !== undefined) metrics[column] = v;
    }
    for (const column of MINER) if (miner?.[column] !== undefined) metrics[column] = miner[column];
    const time = readCellTime(folder, cell.dir);
    return {
      cell: cell.name, values: cell.values, ...describeCell(cell, run), state: runProgress(cell.dir).state, metrics, dir: cell.dir,
      ...(time ? { wall_seconds: time.wall_seconds } : {}),
      details: { eval: otherEvalNumbers(evaluation), info: readRunInfo(run.paths.runInfo) },
    };
  });
}

/** The metric the plots and the verdict use: linear top-1, or kNN top-1 when no cell has a linear probe. */
export const mainMetric = (rows: readonly ResultRow[]): Top1 =>
  rows.some((r) => r.metrics.linear_top1 !== undefined) ? 'linear_top1' : 'knn_top1';
