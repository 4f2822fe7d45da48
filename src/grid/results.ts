/**
 * The results of a grid, one row per cell, rebuilt from the cells' run directories alone:
 * results.csv, results.md and plots/<axis>.svg (the main metric against each varied value) in
 * runs/grids/<grid>/.
 */
import * as path from 'node:path';
import type { JsonValue } from '../compiler.ts';
import { writeFileAtomic } from '../runtime/run/atomic.ts';
import { RunDirectory, RunError } from '../runtime/run/directory.ts';
import { lastMinerWindow, readMetrics } from '../runtime/run/metrics.ts';
import { linePlot, type Series } from '../runtime/run/svg.ts';
import { cellState, valueLabel, type CellState } from './cells.ts';
import { readCellTime, readManifest, type GridManifest } from './folder.ts';

/** The metric columns, each read from eval.json by its path there. */
const METRICS = [
  ['linear_top1', 'linear.top1'], ['knn_top1', 'knn.top1'], ['effective_rank', 'collapse.effectiveRank'],
  ['alignment', 'collapse.alignment'], ['uniformity', 'collapse.uniformity'], ['purity', 'collapse.purity'],
  ['teacher_knn_top1', 'teacher.knn.top1'],
] as const;
/** The relation miner's columns, read from the last metrics.jsonl window that measured it (none without a miner). */
const MINER = ['miner_precision', 'miner_chance'] as const;
type Metric = typeof METRICS[number][0] | typeof MINER[number];
const COLUMNS: readonly Metric[] = [...METRICS.map(([column]) => column), ...MINER];

export interface ResultRow {
  cell: string;
  values: Record<string, JsonValue>;
  state: CellState;
  metrics: Partial<Record<Metric, number>>;
  wall_seconds?: number;
  dir: string;
}

function read(value: unknown, dotted: string): number | undefined {
  const found = dotted.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
  return typeof found === 'number' ? found : undefined;
}

export function collectResults(manifest: GridManifest, folder: string): ResultRow[] {
  return manifest.cells.map((cell) => {
    const run = new RunDirectory(cell.dir);
    const evaluation = run.readEval();
    const metrics: ResultRow['metrics'] = {};
    for (const [column, dotted] of METRICS) {
      const v = read(evaluation, dotted);
      if (v !== undefined) metrics[column] = v;
    }
    const miner = lastMinerWindow(readMetrics(run.paths.metrics));
    for (const column of MINER) if (miner?.[column] !== undefined) metrics[column] = miner[column];
    const time = readCellTime(folder, cell.dir);
    return { cell: cell.name, values: cell.values, state: cellState(cell.dir).state, metrics, dir: cell.dir, ...(time ? { wall_seconds: time.wall_seconds } : {}) };
  });
}

/** The metric the plots show: linear top-1, or kNN top-1 when no cell has a linear probe. */
export const mainMetric = (rows: readonly ResultRow[]): Metric =>
  rows.some((r) => r.metrics.linear_top1 !== undefined) ? 'linear_top1' : 'knn_top1';

const csvField = (text: string): string => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const number = (v: number | undefined, digits = 4): string => (v === undefined ? '' : String(Number(v.toFixed(digits))));

function cells(row: ResultRow, axes: readonly string[]): string[] {
  return [row.cell, ...axes.map((a) => valueLabel(row.values[a])), row.state,
    ...COLUMNS.map((column) => number(row.metrics[column])), number(row.wall_seconds, 1), row.dir];
}

const header = (axes: readonly string[]): string[] => ['cell', ...axes, 'state', ...COLUMNS, 'wall_seconds', 'run_dir'];

export function resultsCsv(rows: readonly ResultRow[], axes: readonly string[]): string {
  return [header(axes), ...rows.map((r) => cells(r, axes))].map((line) => line.map(csvField).join(',')).join('\n') + '\n';
}

export function resultsMarkdown(manifest: GridManifest, rows: readonly ResultRow[], plots: readonly string[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const done = rows.filter((r) => r.state === 'complete').length;
  const lines = [
    `# Grid \`${manifest.grid}\` of \`${manifest.base}\``, '',
    `From \`${manifest.file}\`: ${rows.length} cells, ${done} complete. Metrics from each cell's eval.json ` +
      '(top-1 as a fraction); the relation miner\'s precision and chance from the last metrics.jsonl window that ' +
      'measured them; wall time is the training sessions\' sum.', '',
    `| ${header(manifest.axes).map(escape).join(' | ')} |`,
    `|${header(manifest.axes).map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r, manifest.axes).map(escape).join(' | ')} |`), '',
  ];
  for (const plot of plots) lines.push(`![${mainMetric(rows)} against ${plot}](plots/${plot}.svg)`, '');
  return lines.join('\n');
}

/**
 * The main metric against one axis: one line per setting of the other axes. Values that are not
 * numbers (kinds, none) are placed at their position in the axis and named in the x label.
 */
export function axisPlot(manifest: GridManifest, rows: readonly ResultRow[], axis: string): string {
  const metric = mainMetric(rows);
  const seen = [...new Map(rows.map((r) => [JSON.stringify(r.values[axis]), r.values[axis]])).values()];
  const numeric = seen.every((v) => typeof v === 'number');
  const x = (v: JsonValue) => (numeric ? (v as number) : seen.findIndex((s) => JSON.stringify(s) === JSON.stringify(v)));
  const others = manifest.axes.filter((a) => a !== axis);
  const series = new Map<string, Series>();
  for (const row of rows) {
    const y = row.metrics[metric];
    if (y === undefined) continue;
    const name = others.map((a) => `${a}=${valueLabel(row.values[a])}`).join(' ') || metric;
    const s = series.get(name) ?? { name, points: [] };
    s.points.push([x(row.values[axis]), y]);
    series.set(name, s);
  }
  for (const s of series.values()) s.points.sort((a, b) => a[0] - b[0]);
  const xLabel = numeric ? axis : `${axis} (${seen.map((v, i) => `${i} = ${valueLabel(v)}`).join(', ')})`;
  return linePlot({ title: `${manifest.grid}: ${metric} against ${axis}`, xLabel, yLabel: metric, series: [...series.values()] });
}

const plotName = (axis: string): string => axis.replace(/[^A-Za-z0-9_.-]/g, '_');

/** Writes results.csv, results.md and the plots of the grid folder from its manifest; returns results.md's path. */
export function writeResults(folder: string): string {
  const manifest = readManifest(folder);
  if (!manifest) throw new RunError(`${folder} is not a grid folder (no grid.json)`);
  const rows = collectResults(manifest, folder);
  const plots = rows.some((r) => Object.keys(r.metrics).length) ? manifest.axes : [];
  for (const axis of plots) writeFileAtomic(path.join(folder, 'plots', `${plotName(axis)}.svg`), axisPlot(manifest, rows, axis));
  writeFileAtomic(path.join(folder, 'results.csv'), resultsCsv(rows, manifest.axes));
  const report = path.join(folder, 'results.md');
  writeFileAtomic(report, resultsMarkdown(manifest, rows, plots.map(plotName)));
  return report;
}
