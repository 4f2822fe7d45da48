/** Top-1 and top-5 accuracy from per-class scores. */

export interface TopAccuracy {
  /** Fractions in [0, 1] of the rows. */
  top1: number;
  top5: number;
}

/**
 * `scores` holds one row of `classes` scores per label (row-major). A row counts for top-n when
 * its label is among the n highest scores; ties go to the lower class index.
 */
export function topAccuracy(scores: ArrayLike<number>, labels: Int32Array, classes: number): TopAccuracy {
  let top1 = 0;
  let top5 = 0;
  const order = Array.from({ length: classes }, (_, c) => c);
  for (let i = 0; i < labels.length; i++) {
    const row = i * classes;
    order.sort((a, b) => scores[row + b] - scores[row + a] || a - b);
    if (order[0] === labels[i]) top1 += 1;
    if (order.slice(0, 5).includes(labels[i])) top5 += 1;
  }
  return { top1: top1 / labels.length, top5: top5 / labels.length };
}
