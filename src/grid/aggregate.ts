/**
 * A grid's cells gathered over seeds. A setting is a cell less its seed (the cells differing only
 * by seed); its metrics are summarised as mean +- sample std (n) over its complete cells. A
 * method table has one row per condition (the student and any other axis that does not define
 * the method) and one column per method; within a condition, cells of two methods with the same
 * seed are paired, and the floors (raw pixels, untrained student) and the teacher are averaged
 * per seed first, then over seeds.
 */
import type { JsonValue } from '../compiler.ts';
import { valueLabel } from './cells.ts';
import { BASELINE_METHOD } from './methods.ts';
import type { Metric, ResultRow, Top1 } from './rows.ts';
import { meanInterval, summarize, type MeanInterval, type Summary } from './stats.ts';

/** The axis whose values are repetitions, not settings. */
export const SEED_AXIS = 'seed';

/** The axes telling settings apart: every axis but the seed. */
export const settingAxes = (axes: readonly string[]): string[] => axes.filter((a) => a !== SEED_AXIS);

const keyOf = (values: Record<string, JsonValue>, axes: readonly string[]): string => JSON.stringify(axes.map((a) => values[a] ?? null));

const complete = (rows: readonly ResultRow[]): ResultRow[] => rows.filter((r) => r.state === 'complete');

/** Groups `rows` by a key, in the order each key first appears. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

export interface Setting {
  /** The values of the setting axes. */
  values: Record<string, JsonValue>;
  method?: string;
  student?: string;
  /** Every cell of the setting, one per seed (any state). */
  cells: ResultRow[];
  /** The seeds of its complete cells. */
  seeds: number[];
  /** Each metric over the complete cells that have it. */
  metrics: Partial<Record<Metric, Summary>>;
}

export function settingsOf(rows: readonly ResultRow[], axes: readonly string[], metrics: readonly Metric[]): Setting[] {
  const varied = settingAxes(axes);
  return [...groupBy(rows, (r) => keyOf(r.values, varied)).values()].map((cells) => {
    const done = complete(cells);
    const summaries: Setting['metrics'] = {};
    for (const metric of metrics) {
      const summary = summarize(done.flatMap((r) => r.metrics[metric] ?? []));
      if (summary) summaries[metric] = summary;
    }
    return {
      values: Object.fromEntries(varied.map((a) => [a, cells[0].values[a]])),
      ...(cells[0].method !== undefined ? { method: cells[0].method } : {}),
      ...(cells[0].student !== undefined ? { student: cells[0].student } : {}),
      cells, seeds: done.flatMap((r) => r.seed ?? []), metrics: summaries,
    };
  });
}

/** A metric's mean over the complete cells of each seed (cells of one seed share its floors and teacher). */
export function seedMeans(rows: readonly ResultRow[], metric: Metric): Map<number, number> {
  const bySeed = groupBy(complete(rows).filter((r) => r.seed !== undefined && r.metrics[metric] !== undefined), (r) => String(r.seed));
  return new Map([...bySeed.values()].map((cells) => [cells[0].seed!, cells.reduce((a, r) => a + r.metrics[metric]!, 0) / cells.length]));
}

/** A metric over seeds: the summary of its per-seed means. */
export const overSeeds = (rows: readonly ResultRow[], metric: Metric): Summary | undefined => summarize([...seedMeans(rows, metric).values()]);

/** A row of a method table: the cells sharing every axis but the seed and those defining the method. */
export interface Condition {
  label: string;
  values: Record<string, JsonValue>;
  rows: ResultRow[];
  byMethod: Map<string, ResultRow[]>;
}

export interface MethodTable {
  /** The axes telling conditions apart. */
  conditionAxes: string[];
  /** The methods, in the order the grid's cells first have them. */
  methods: string[];
  conditions: Condition[];
}

/** Paths of the terms and teacher a method is made of: the grid axes that may switch methods. */
const methodPath = (axis: string): boolean => axis === 'teacher' || axis.startsWith('teacher.') || axis.startsWith('loss.');

/**
 * The method table of a grid's cells. An axis of the method's ingredients (the loss terms and the
 * teacher) that takes one value per method is part of the method (`quick`'s zip of
 * loss.supervised, loss.instance, loss.relation and teacher); every other axis but the
 * seed separates conditions (so two settings never share a cell of the table).
 */
export function methodTable(rows: readonly ResultRow[], axes: readonly string[]): MethodTable {
  const byMethod = groupBy(rows, (r) => r.method ?? '-');
  const partOfMethod = (axis: string) => methodPath(axis) &&
    [...byMethod.values()].every((cells) => new Set(cells.map((r) => JSON.stringify(r.values[axis] ?? null))).size === 1);
  const conditionAxes = settingAxes(axes).filter((a) => !partOfMethod(a));
  const shown = conditionAxes.filter((a) => a !== 'student' && !a.startsWith('student.') &&
    new Set(rows.map((r) => JSON.stringify(r.values[a] ?? null))).size > 1);
  const conditions = [...groupBy(rows, (r) => keyOf(r.values, conditionAxes)).values()].map((cells): Condition => ({
    label: [cells[0].student ?? '-', ...shown.map((a) => `${a} = ${valueLabel(cells[0].values[a])}`)].join(', '),
    values: Object.fromEntries(conditionAxes.map((a) => [a, cells[0].values[a]])),
    rows: cells,
    byMethod: groupBy(cells, (r) => r.method ?? '-'),
  }));
  return { conditionAxes, methods: [...byMethod.keys()], conditions };
}

export interface PairedDifference {
  /** The seeds at which both methods have the metric. */
  seeds: number[];
  /** The mean of the per-seed differences and its 95% t interval (undefined below 2 seeds). */
  interval?: MeanInterval;
}

/** `rows - baseline` in `metric`, cells paired by seed (each side's per-seed mean). */
export function pairedDifference(rows: readonly ResultRow[], baseline: readonly ResultRow[], metric: Metric): PairedDifference {
  const ours = seedMeans(rows, metric);
  const theirs = seedMeans(baseline, metric);
  const seeds = [...ours.keys()].filter((s) => theirs.has(s)).sort((a, b) => a - b);
  const interval = meanInterval(seeds.map((s) => ours.get(s)! - theirs.get(s)!));
  return { seeds, ...(interval ? { interval } : {}) };
}

export interface MethodComparison extends PairedDifference {
  condition: Condition;
  method: string;
  metric: Top1;
}

/** Every method of every condition against the baseline (moco) in `metrics`, where both have cells. */
export function comparisons(table: MethodTable, metrics: readonly Top1[]): MethodComparison[] {
  return table.conditions.flatMap((condition) => {
    const baseline = condition.byMethod.get(BASELINE_METHOD);
    if (!baseline) return [];
    return [...condition.byMethod].filter(([method]) => method !== BASELINE_METHOD).flatMap(([method, rows]) =>
      metrics.map((metric) => ({ condition, method, metric, ...pairedDifference(rows, baseline, metric) })));
  });
}
