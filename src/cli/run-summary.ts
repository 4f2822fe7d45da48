/**
 * The few lines `rekdc run` prints for a finished run: the student's top-1 beside its floors and
 * its teacher, the relation miner's last measured window and the collapse figures. Every other
 * figure stays in eval.json and report.md (and `--format json`), so the summary reads at a glance.
 */
import type { StepRecord } from '../runtime/run/metrics.ts';
import { top1Table, type EvaluationTop1 } from '../runtime/run/top1-table.ts';

/** The parts of eval.json the summary reads (train/evaluate.ts writes them). */
export interface SummarisedEvaluation extends EvaluationTop1 {
  collapse?: { effectiveRank?: number; purity?: number };
}

/** The summary's lines, each starting with two spaces; empty for an evaluation without figures. */
export function runSummary(evaluation: SummarisedEvaluation | undefined, miner: StepRecord | undefined): string[] {
  const { columns, rows } = top1Table(evaluation);
  const table = [['top-1', ...columns], ...rows.map(({ probe, cells }) => [probe, ...cells])];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  const lines = rows.length === 0 ? [] : table.map((row) =>
    row.map((text, column) => (column === 0 ? text.padEnd(widths[0]) : text.padStart(widths[column]))).join('  ').trimEnd());
  if (miner?.miner_precision !== undefined) {
    const chance = miner.miner_chance === undefined ? '' : `, chance ${miner.miner_chance.toFixed(3)}`;
    const positives = miner.miner_positives === undefined ? '' : `, ${miner.miner_positives.toFixed(1)} positives per query`;
    lines.push(`relation miner at step ${miner.step}: precision ${miner.miner_precision.toFixed(3)}${chance}${positives}`);
  }
  const collapse = evaluation?.collapse;
  if (collapse?.effectiveRank !== undefined) {
    const purity = collapse.purity === undefined ? '' : `, neighbour purity ${collapse.purity.toFixed(3)}`;
    lines.push(`collapse: effective rank ${collapse.effectiveRank.toFixed(1)}${purity}`);
  }
  return lines.map((line) => `  ${line}`);
}
