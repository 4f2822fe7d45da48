/**
 * The results of a grid, rebuilt from the cells' run directories alone, in runs/grids/<grid>/:
 * results.csv (one row per cell), results-summary.csv (one row per setting: mean, std, n over
 * seeds), results-paired.csv (each method against moco, paired by seed), results.md (gates,
 * method tables with floors, paired differences, settings, cells) and plots/<axis>.svg.
 */
import * as path from 'node:path';
import type { JsonValue } from '../compiler.ts';
import { writeFileAtomic } from '../runtime/run/atomic.ts';
import { csv, exactNumber as exact } from '../runtime/run/csv.ts';
import { RunError } from '../runtime/run/directory.ts';
import { counted } from '../diagnostics/render.ts';
import { linePlot, type Series } from '../runtime/run/svg.ts';
import { comparisons, methodTable, overSeeds, SEED_AXIS, settingAxes, settingsOf, type MethodComparison, type MethodTable, type Setting } from './aggregate.ts';
import { valueLabel } from './cells.ts';
import { readManifest, type GridManifest } from './folder.ts';
import { differenceText, metricName, percentSummary, plain, plainSummary } from './format.ts';
import { gateFailures, gateLines, gatesOf, type ConditionGates } from './gates.ts';
import { BASELINE_METHOD } from './methods.ts';
import { collectResults, mainMetric, METRIC_COLUMNS, runInfoTotals, type Metric, type ResultRow, type Top1 } from './rows.ts';

/** Everything the files are written from. */
export interface GridResults {
  manifest: GridManifest;
  rows: ResultRow[];
  settings: Setting[];
  table: MethodTable;
  comparisons: MethodComparison[];
  gates: ConditionGates[];
}

const TOP1: readonly Top1[] = ['linear_top1', 'knn_top1'];

export function gridResults(manifest: GridManifest, folder: string): GridResults {
  const rows = collectResults(manifest, folder);
  const table = methodTable(rows, manifest.axes);
  return {
    manifest, rows, table,
    settings: settingsOf(rows, manifest.axes, METRIC_COLUMNS),
    comparisons: comparisons(table, TOP1),
    gates: gatesOf(table, mainMetric(rows)),
  };
}

const seedText = (seed: number | undefined): string => (seed === undefined ? '-' : String(seed));

const cellHeader = (axes: readonly string[]): string[] => ['cell', ...settingAxes(axes), 'seed', 'method', 'state', ...METRIC_COLUMNS, 'wall_seconds', 'run_dir'];

/** A cell's fields: numbers at full precision (`exactly`) or rounded for reading (4 decimals, wall time 1). */
function cellFields(row: ResultRow, axes: readonly string[], exactly: boolean): string[] {
  const metric = exactly ? exact : (v: number | undefined) => plain(v);
  return [row.cell, ...settingAxes(axes).map((a) => valueLabel(row.values[a])), seedText(row.seed), row.method ?? '-', row.state,
    ...METRIC_COLUMNS.map((column) => metric(row.metrics[column])), exactly ? exact(row.wall_seconds) : plain(row.wall_seconds, 1), row.dir];
}

/** How each cell ran, from its run-info.json (times summed over its sessions; the rest from the last session). */
const RUN_COLUMNS: ReadonlyArray<[string, (row: ResultRow) => string]> = [
  ['training_seconds', (r) => exact(runInfoTotals(r)?.training_seconds || undefined)],
  ['evaluation_seconds', (r) => exact(r.details?.info.sessions.reduce((sum, s) => sum + (s.evaluation_seconds ?? 0), 0) || undefined)],
  ['images_per_second', (r) => exact(runInfoTotals(r)?.images_per_second)],
  ['backend', (r) => runInfoTotals(r)?.last?.backend?.name ?? ''],
  ['kernel_path', (r) => runInfoTotals(r)?.last?.backend?.kernel_path ?? ''],
  ['threads', (r) => exact(runInfoTotals(r)?.last?.backend?.threads)],
  ['cpu', (r) => runInfoTotals(r)?.last?.machine.cpu ?? ''],
  ['rekd_version', (r) => runInfoTotals(r)?.last?.rekd.version ?? ''],
  ['rekd_commit', (r) => runInfoTotals(r)?.last?.rekd.commit ?? ''],
  ['evaluated_checkpoint', (r) => r.details?.info.evaluation?.checkpoint ?? ''],
  ['evaluated_step', (r) => exact(r.details?.info.evaluation?.step)],
];

/**
 * One row per cell, every number at full precision: the cell table's columns, then eval.json's
 * other numbers (`linear_top5`, `knn_k`, ...; the columns any cell has) and how the cell ran.
 */
export function resultsCsv(rows: readonly ResultRow[], axes: readonly string[]): string {
  const others = [...new Set(rows.flatMap((r) => Object.keys(r.details?.eval ?? {})))];
  // The added columns go before the last one, run_dir.
  const insert = (fields: string[], added: string[]) => [...fields.slice(0, -1), ...added, fields[fields.length - 1]];
  const header = insert(cellHeader(axes), [...others, ...RUN_COLUMNS.map(([name]) => name)]);
  return csv([header, ...rows.map((r) => insert(cellFields(r, axes, true), [
    ...others.map((column) => exact(r.details?.eval[column])), ...RUN_COLUMNS.map(([, value]) => value(r)),
  ]))]);
}

/** One row per setting: its cells' seeds and, for each metric, mean, sample std and n over the complete cells. */
export function summaryCsv(settings: readonly Setting[], axes: readonly string[]): string {
  const varied = settingAxes(axes);
  const header = [...varied, 'method', 'student', 'seeds', 'cells', 'complete', ...METRIC_COLUMNS.flatMap((m) => [`${m}_mean`, `${m}_std`, `${m}_n`])];
  return csv([header, ...settings.map((s) => [
    ...varied.map((a) => valueLabel(s.values[a])), s.method ?? '-', s.student ?? '-', s.seeds.join(' '), String(s.cells.length), String(s.seeds.length),
    ...METRIC_COLUMNS.flatMap((m) => [exact(s.metrics[m]?.mean), exact(s.metrics[m]?.std), s.metrics[m] ? String(s.metrics[m]!.n) : '']),
  ])]);
}

/** Each method against moco per condition: the paired difference over seeds and its 95% t interval (fractions). */
export function pairedCsv(list: readonly MethodComparison[]): string {
  const header = ['student', 'method', 'baseline', 'metric', 'n', 'seeds', 'mean_difference', 'std', 'ci95_low', 'ci95_high'];
  return csv([header, ...list.map((c) => [
    c.condition.label, c.method, BASELINE_METHOD, c.metric, String(c.interval?.n ?? 0), c.seeds.join(' '),
    exact(c.interval?.mean), exact(c.interval?.std), exact(c.interval?.low), exact(c.interval?.high),
  ])]);
}

const escape = (text: string): string => text.replace(/\|/g, '\\|');
const markdownTable = (header: readonly string[], lines: readonly string[][]): string[] => [
  `| ${header.map(escape).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.map(escape).join(' | ')} |`),
];

/** A method table of one top-1 metric in percent: the floors, the teacher (kNN), then each method. */
function methodMarkdown(results: GridResults, metric: Top1): string[] {
  const { rows, table } = results;
  const columns: Array<[string, Metric]> = [['raw pixels', `pixels_${metric}`], ['untrained', `untrained_${metric}`]];
  if (metric === 'knn_top1') columns.push(['teacher', 'teacher_knn_top1']);
  const extra = columns.filter(([, m]) => rows.some((r) => r.metrics[m] !== undefined));
  const header = ['student', ...extra.map(([name]) => name), ...table.methods];
  const lines = table.conditions.map((c) => [c.label,
    ...extra.map(([, m]) => percentSummary(overSeeds(c.rows, m))),
    ...table.methods.map((method) => percentSummary(overSeeds(c.byMethod.get(method) ?? [], metric)))]);
  return [`## Methods: ${metricName(metric)} (%), mean ± std (n) over seeds`, '', ...markdownTable(header, lines), ''];
}

function pairedMarkdown(list: readonly MethodComparison[]): string[] {
  if (!list.length) return [];
  const lines = list.map((c) => [c.condition.label, `${c.method} - ${BASELINE_METHOD}`, metricName(c.metric),
    differenceText(c.interval), c.seeds.join(', ')]);
  return [`## Paired differences against ${BASELINE_METHOD} (points, cells matched by seed)`, '',
    'The mean of the per-seed differences with its 95% interval, mean ± t(0.975, n - 1) std / sqrt(n).', '',
    ...markdownTable(['student', 'difference', 'metric', 'points', 'seeds'], lines), ''];
}

function settingsMarkdown(results: GridResults): string[] {
  const { settings, manifest } = results;
  if (settings.every((s) => s.cells.length <= 1)) return [];
  const varied = settingAxes(manifest.axes);
  const metrics = METRIC_COLUMNS.filter((m) => settings.some((s) => s.metrics[m]));
  const lines = settings.map((s) => [...varied.map((a) => valueLabel(s.values[a])), s.method ?? '-', s.seeds.join(', '),
    ...metrics.map((m) => plainSummary(s.metrics[m]))]);
  return ['## Settings: mean ± std (n) over seeds', '', ...markdownTable([...varied, 'method', 'seeds', ...metrics], lines), ''];
}

function seedsSentence(results: GridResults): string {
  const seeds = [...new Set(results.rows.flatMap((r) => r.seed ?? []))].sort((a, b) => a - b);
  return `${results.settings.length} settings, ${seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds.join(', ')}`}`;
}

/** Cells whose results were copied from a finished run of the same settings under another name (runs/reuse.ts). */
function copiedLines(rows: readonly ResultRow[]): string[] {
  const copies = rows.flatMap((r) => {
    const from = r.details?.info.copied_from;
    return from === undefined ? [] : [`${r.cell} from \`${from}\``];
  });
  return copies.length === 0 ? [] : [`Copied, not trained (the same settings finished under another name; no wall time of their own): ${copies.join(', ')}.`, ''];
}

export function resultsMarkdown(results: GridResults, plots: readonly string[]): string {
  const { manifest, rows, table } = results;
  const done = rows.filter((r) => r.state === 'complete').length;
  const failures = gateFailures(results.gates);
  const showMethods = table.methods.length > 1 || rows.some((r) => r.metrics.pixels_linear_top1 !== undefined || r.metrics.untrained_linear_top1 !== undefined);
  const lines = [
    `# Grid \`${manifest.grid}\` of \`${manifest.base}\``, '',
    ...failures.flatMap((f) => [`**${f}**`, '']),
    `From \`${manifest.file}\`: ${counted(rows.length, 'cell')} (${seedsSentence(results)}), ${done} complete. Top-1 in the tables of methods ` +
      'and gates in percent (differences in points), elsewhere as a fraction; each cell\'s metrics from its eval.json, the ' +
      'relation miner\'s precision and chance from the last metrics.jsonl window that measured them; wall time is the ' +
      'training sessions\' sum.', '',
    '## Gates', '',
    'G1: the teacher\'s kNN top-1 at least 5 points above the student\'s own MoCo kNN top-1. G2: the student\'s MoCo linear ' +
      'top-1 at least 3 points above both the raw-pixel probe and the untrained student. Means over seeds; the verdict on ' +
      `rekd > moco (${metricName(mainMetric(rows))}, paired over seeds) only when both pass.`, '',
    ...gateLines(results.gates).map((line) => `- ${line}`), '',
    ...(showMethods ? [...methodMarkdown(results, 'linear_top1'), ...methodMarkdown(results, 'knn_top1')] : []),
    ...pairedMarkdown(results.comparisons),
    ...settingsMarkdown(results),
    '## Cells', '',
    ...markdownTable(cellHeader(manifest.axes), rows.map((r) => cellFields(r, manifest.axes, false))), '',
    ...copiedLines(rows),
  ];
  for (const plot of plots) lines.push(`![${mainMetric(rows)} against ${plot}](plots/${plot}.svg)`, '');
  return lines.join('\n');
}

/**
 * The main metric (mean over seeds) against one setting axis: one line per setting of the other
 * axes. Values that are not numbers (kinds, none) are placed at their position in the axis and
 * named in the x label.
 */
export function axisPlot(results: GridResults, axis: string): string {
  const { manifest, settings } = results;
  const metric = mainMetric(results.rows);
  const seen = [...new Map(settings.map((s) => [JSON.stringify(s.values[axis]), s.values[axis]])).values()];
  const numeric = seen.every((v) => typeof v === 'number');
  const x = (v: JsonValue) => (numeric ? (v as number) : seen.findIndex((s) => JSON.stringify(s) === JSON.stringify(v)));
  const others = variedAxes(results).filter((a) => a !== axis);
  const series = new Map<string, Series>();
  for (const setting of settings) {
    const y = setting.metrics[metric]?.mean;
    if (y === undefined) continue;
    const name = others.map((a) => `${a}=${valueLabel(setting.values[a])}`).join(' ') || metric;
    const s = series.get(name) ?? { name, points: [] };
    s.points.push([x(setting.values[axis]), y]);
    series.set(name, s);
  }
  for (const s of series.values()) s.points.sort((a, b) => a[0] - b[0]);
  const xLabel = numeric ? axis : `${axis} (${seen.map((v, i) => `${i} = ${valueLabel(v)}`).join(', ')})`;
  const yLabel = `${metricName(metric)} (fraction${manifest.axes.includes(SEED_AXIS) ? ', mean over seeds' : ''})`;
  return linePlot({ title: `${manifest.grid}: ${metric} against ${axis}`, xLabel, yLabel, series: [...series.values()] });
}

/** The setting axes that take more than one value: a plot against a constant, or a legend naming one, says nothing. */
function variedAxes({ manifest, settings }: GridResults): string[] {
  return settingAxes(manifest.axes).filter((axis) => new Set(settings.map((s) => JSON.stringify(s.values[axis]))).size > 1);
}

const plotName = (axis: string): string => axis.replace(/[^A-Za-z0-9_.-]/g, '_');

export interface WrittenResults {
  /** results.md's path. */
  report: string;
  /** results.csv's path (one row per cell). */
  csv: string;
  /** The gate and verdict lines, for a console summary. */
  gates: string[];
  /** The same gates and verdicts as data (`--format json`). */
  conditions: ConditionGates[];
}

/** Writes the CSV files, results.md and the plots of the grid folder from its manifest. */
export function writeResults(folder: string): WrittenResults {
  const manifest = readManifest(folder);
  if (!manifest) throw new RunError(`${folder} is not a grid folder (no grid.json)`);
  const results = gridResults(manifest, folder);
  const plots = results.rows.some((r) => Object.keys(r.metrics).length) ? variedAxes(results) : [];
  for (const axis of plots) writeFileAtomic(path.join(folder, 'plots', `${plotName(axis)}.svg`), axisPlot(results, axis));
  const csv = path.join(folder, 'results.csv');
  writeFileAtomic(csv, resultsCsv(results.rows, manifest.axes));
  writeFileAtomic(path.join(folder, 'results-summary.csv'), summaryCsv(results.settings, manifest.axes));
  writeFileAtomic(path.join(folder, 'results-paired.csv'), pairedCsv(results.comparisons));
  const report = path.join(folder, 'results.md');
  writeFileAtomic(report, resultsMarkdown(results, plots.map(plotName)));
  return { report, csv, gates: gateLines(results.gates), conditions: results.gates };
}
