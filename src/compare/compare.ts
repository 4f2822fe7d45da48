/** `rekdc compare`: runs and grids side by side in one self-contained HTML page. */
import { writeFileAtomic } from '../runtime/run/atomic.ts';
import type { Warn } from '../runtime/user-problems.ts';
import { charts } from './charts.ts';
import { metricsTable } from './final-metrics.ts';
import { comparisonPage } from './page.ts';
import { baselineIndex, comparedRuns } from './sources.ts';

export interface CompareOptions {
  /** Run directories and grid folders, in the order shown. */
  dirs: readonly string[];
  out: string;
  /** A run's label or directory; the first run when absent. */
  baseline?: string;
  warn: Warn;
}

export interface WrittenComparison {
  out: string;
  runs: string[];
  baseline: string;
  /** The plots drawn (those no run logged anything for are left out). */
  plots: string[];
}

export function writeComparison(options: CompareOptions): WrittenComparison {
  const runs = comparedRuns(options.dirs, options.warn);
  const table = metricsTable(runs, baselineIndex(runs, options.baseline));
  const plots = charts(runs);
  writeFileAtomic(options.out, comparisonPage({ runs, table, charts: plots, made: new Date() }));
  return {
    out: options.out, runs: runs.map((r) => r.label), baseline: runs[table.baseline].label,
    plots: plots.filter((p) => p.spec !== undefined).map((p) => p.id),
  };
}
