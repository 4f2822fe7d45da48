/** How a grid's aggregated numbers are written: top-1 in percent (differences in points), others as they are. */
import type { Top1 } from './rows.ts';
import type { MeanInterval, Summary } from './stats.ts';

/** How tables name the top-1 metrics. */
export const metricName = (metric: Top1): string => (metric === 'linear_top1' ? 'linear top-1' : 'kNN top-1');

const percent = (fraction: number): string => (fraction * 100).toFixed(2);

/** A fraction as percent, `mean ± std (n=k)`; `mean (n=1)` when the std is undefined. */
export const percentSummary = (s: Summary | undefined): string =>
  (s === undefined ? '' : s.std === undefined ? `${percent(s.mean)} (n=${s.n})` : `${percent(s.mean)} ± ${percent(s.std)} (n=${s.n})`);

/** A difference of fractions in signed points: `+1.20`, `-0.35`. */
export const points = (fraction: number): string => {
  const text = percent(fraction);
  return text.startsWith('-') ? text : `+${text}`;
};

/** A value with at most four decimals (as the per-cell table writes metrics). */
export const plain = (v: number | undefined, digits = 4): string => (v === undefined ? '' : String(Number(v.toFixed(digits))));

/** A metric of any unit, `mean ± std (n=k)`, four decimals. */
export const plainSummary = (s: Summary | undefined): string =>
  (s === undefined ? '' : s.std === undefined ? `${plain(s.mean)} (n=${s.n})` : `${plain(s.mean)} ± ${plain(s.std)} (n=${s.n})`);

/** A paired difference in points with its 95% interval, or why the interval is undefined. */
export function differenceText(interval: MeanInterval | undefined): string {
  if (interval === undefined) return 'no seed with both methods';
  if (interval.low === undefined || interval.high === undefined) return `${points(interval.mean)} (n=${interval.n}: the interval needs 2 seeds or more)`;
  return `${points(interval.mean)}, 95% interval [${points(interval.low)}, ${points(interval.high)}] (n=${interval.n})`;
}
