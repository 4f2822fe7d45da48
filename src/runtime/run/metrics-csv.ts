/**
 * metrics.csv: metrics.jsonl as a flat table for pandas and spreadsheets, one row per line of the
 * log (a `step` window or an `eval`). Rebuilt whole from metrics.jsonl and written atomically, at
 * each checkpoint and at the end of the run, so a killed run leaves the previous complete table.
 */
import { writeFileAtomic } from './atomic.ts';
import { csv, exactNumber } from './csv.ts';
import type { MetricRecord } from './metrics.ts';

/** The columns before the loss terms, and after them; `loss_<term>` columns (in the order first seen) go between. */
const LEADING = ['type', 'step', 'epoch', 'lr', 'images_per_second'] as const;
const TRAILING = ['miner_precision', 'miner_positives', 'miner_chance', 'knn_top1'] as const;

export const lossColumn = (term: string): string => `loss_${term}`;

/** The header: every column any record has, in a fixed order. */
export function metricsColumns(records: readonly MetricRecord[]): string[] {
  const terms = [...new Set(records.flatMap((r) => (r.type === 'step' ? Object.keys(r.loss) : [])))];
  return [...LEADING, ...terms.map(lossColumn), ...TRAILING];
}

function recordValues(record: MetricRecord): Record<string, string> {
  const values: Record<string, string> = { type: record.type, step: String(record.step), epoch: String(record.epoch) };
  if (record.type === 'eval') return { ...values, knn_top1: exactNumber(record.knn_top1) };
  for (const [term, value] of Object.entries(record.loss)) values[lossColumn(term)] = exactNumber(value);
  return {
    ...values, lr: exactNumber(record.lr), images_per_second: exactNumber(record.images_per_second),
    miner_precision: exactNumber(record.miner_precision), miner_positives: exactNumber(record.miner_positives),
    miner_chance: exactNumber(record.miner_chance),
  };
}

/** The CSV text of `records`: every number at full precision, an empty field where a record has no value. */
export function metricsCsv(records: readonly MetricRecord[]): string {
  const columns = metricsColumns(records);
  return csv([columns, ...records.map((record) => {
    const values = recordValues(record);
    return columns.map((column) => values[column] ?? '');
  })]);
}

export function writeMetricsCsv(file: string, records: readonly MetricRecord[]): void {
  writeFileAtomic(file, metricsCsv(records));
}
