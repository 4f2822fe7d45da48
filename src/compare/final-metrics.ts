/**
 * The final metrics of each compared run, by the column names of a grid's results.csv (grid/rows.ts:
 * eval.json's figures, the relation miner's last measured window), plus how far training got and
 * its last total loss; and each run's differences to the baseline run.
 */
import { METRIC_COLUMNS, METRICS } from '../grid/rows.ts';
import { flattenResults } from '../runtime/run/report.ts';
import type { StepRecord } from '../runtime/run/metrics.ts';
import type { ComparedRun } from './sources.ts';

export type FinalMetrics = Record<string, number>;

const TRAINING_COLUMNS = ['steps', 'loss_total'] as const;

export function finalMetrics(run: ComparedRun): FinalMetrics {
  const figures = new Map(flattenResults(run.eval));
  const metrics: FinalMetrics = {};
  for (const [column, dotted] of METRICS) {
    const value = figures.get(dotted);
    if (value !== undefined) metrics[column] = value;
  }
  for (const column of ['miner_precision', 'miner_chance'] as const) {
    const value = run.miner?.[column];
    if (value !== undefined) metrics[column] = value;
  }
  const last = run.records.filter((r): r is StepRecord => r.type === 'step').at(-1);
  if (last) {
    metrics.steps = last.step;
    if (last.loss.total !== undefined) metrics.loss_total = last.loss.total;
  }
  return metrics;
}

export interface MetricsTable {
  /** The columns some run has, in results.csv's order, then the training columns. */
  columns: string[];
  baseline: number;
  rows: Array<{ label: string; values: FinalMetrics; differences: FinalMetrics }>;
}

/** Each run's final metrics and, where both have a value, its difference to the baseline's (value - baseline). */
export function metricsTable(runs: readonly ComparedRun[], baseline: number): MetricsTable {
  const values = runs.map(finalMetrics);
  const columns = [...METRIC_COLUMNS, ...TRAINING_COLUMNS].filter((column) => values.some((v) => v[column] !== undefined));
  const base = values[baseline];
  const rows = runs.map((run, i) => {
    const differences: FinalMetrics = {};
    for (const column of columns) {
      if (values[i][column] !== undefined && base[column] !== undefined) differences[column] = values[i][column] - base[column];
    }
    return { label: run.label, values: values[i], differences };
  });
  return { columns, baseline, rows };
}
