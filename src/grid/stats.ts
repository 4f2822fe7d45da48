/**
 * The statistics of a grid's seeds: mean, sample standard deviation, and the t interval of a mean
 * (a paired difference is the mean of the per-seed differences). Student's t quantile is computed
 * here from the exact distribution function for integer degrees of freedom.
 */

/** Mean, sample standard deviation (n - 1; absent below 2 values) and count of some values. */
export interface Summary {
  n: number;
  mean: number;
  std?: number;
}

/** The summary of `values`, or undefined when there are none. */
export function summarize(values: readonly number[]): Summary | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean };
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { n, mean, std: Math.sqrt(squares / (n - 1)) };
}

/**
 * P(|T| <= t) for Student's t with `df` degrees of freedom (integer >= 1): the closed forms of
 * Abramowitz and Stegun 26.7.3 (odd df) and 26.7.4 (even df), with theta = atan(t / sqrt(df)).
 */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be an integer >= 1, not ${df}`);
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const sin = Math.sin(theta);
  const cos2 = Math.cos(theta) ** 2;
  if (df % 2 === 0) {
    // sin(theta) (1 + 1/2 cos^2 + (1 3)/(2 4) cos^4 + ... up to cos^(df-2))
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * cos2;
      sum += term;
    }
    return sin * sum;
  }
  if (df === 1) return (2 / Math.PI) * theta;
  // 2/pi (theta + sin(theta) (cos + 2/3 cos^3 + (2 4)/(1 3 5)... up to cos^(df-2)))
  let term = Math.cos(theta);
  let sum = term;
  for (let k = 3; k <= df - 2; k += 2) {
    term *= ((k - 1) / k) * cos2;
    sum += term;
  }
  return (2 / Math.PI) * (theta + sin * sum);
}

/** The p-quantile of Student's t with `df` degrees of freedom (integer >= 1), by bisection on tTwoSided. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a quantile needs 0 < p < 1, not ${p}`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  const target = 2 * p - 1;
  if (target === 0) return 0;
  let low = 0;
  let high = 1;
  while (tTwoSided(high, df) < target) {
    low = high;
    high *= 2;
  }
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const middle = (low + high) / 2;
    if (tTwoSided(middle, df) < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** A mean with its two-sided confidence interval (absent with fewer than 2 values: the interval is undefined). */
export interface MeanInterval extends Summary {
  low?: number;
  high?: number;
}

/** The mean of `values` and its `level` t interval: mean +- t((1 + level) / 2, n - 1) std / sqrt(n). */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval | undefined {
  const summary = summarize(values);
  if (!summary || summary.std === undefined) return summary;
  const half = tQuantile((1 + level) / 2, summary.n - 1) * summary.std / Math.sqrt(summary.n);
  return { ...summary, low: summary.mean - half, high: summary.mean + half };
}

/**
 * The fewest values (at most `limit`) whose 95% interval would exclude 0 if their mean and
 * standard deviation stayed as measured; undefined when none would (a zero mean, or past `limit`).
 */
export function valuesToDecide(mean: number, std: number, limit = 1000): number | undefined {
  if (mean === 0) return undefined;
  for (let n = 2; n <= limit; n++) if (tQuantile(0.975, n - 1) * std / Math.sqrt(n) < Math.abs(mean)) return n;
  return undefined;
}
