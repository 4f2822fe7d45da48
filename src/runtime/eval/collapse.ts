/**
 * `collapse` diagnostics of an embedding space: effective rank of the feature covariance,
 * alignment and uniformity (Wang and Isola 2020) and semantic purity of nearest neighbours.
 */
import * as tf from '@tensorflow/tfjs-core';
import { normalizeRows } from '../objectives/rows.ts';
import { symmetricEigenvalues } from './eigen.ts';
import { type FeatureInput, type LabelInput, type StopCheck, toLabels, toMatrix } from './features.ts';
import { nearestNeighbours } from './neighbours.ts';

/**
 * exp of the entropy of the covariance's normalised eigenvalues (its singular values: it is
 * symmetric positive semi-definite). 1 for features that vary along one direction, d for isotropic ones.
 */
export function effectiveRank(features: FeatureInput): number {
  const m = toMatrix(features);
  if (m.rows < 2) throw new Error(`effective rank needs at least 2 feature rows, got ${m.rows}`);
  const covariance = tf.tidy(() => {
    const x = tf.tensor2d(m.data, [m.rows, m.cols]);
    const centred = tf.sub(x, tf.mean(x, 0, true));
    return tf.div(tf.matMul(centred, centred, true, false), m.rows - 1);
  });
  const eigenvalues = symmetricEigenvalues(covariance.dataSync(), m.cols).map((v) => Math.max(v, 0));
  covariance.dispose();
  const total = eigenvalues.reduce((a, b) => a + b, 0);
  if (total === 0) return 0; // every row identical: no direction of variation at all
  let entropy = 0;
  for (const v of eigenvalues) if (v > 0) entropy -= (v / total) * Math.log(v / total);
  return Math.exp(entropy);
}

/** Mean squared distance between the normalised rows of two aligned views (α = 2). 0 is perfect. */
export function alignment(view1: FeatureInput, view2: FeatureInput): number {
  const a = toMatrix(view1);
  const b = toMatrix(view2);
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`alignment needs two views of the same shape, got ${a.rows}x${a.cols} and ${b.rows}x${b.cols}`);
  return tf.tidy(() => {
    const x = normalizeRows(tf.tensor2d(a.data, [a.rows, a.cols]));
    const y = normalizeRows(tf.tensor2d(b.data, [b.rows, b.cols]));
    return tf.mean(tf.sum(tf.square(tf.sub(x, y)), 1)).dataSync()[0];
  });
}

const CHUNK = 512;

/**
 * log of the mean of exp(-2 ||x_i - x_j||²) over all pairs i ≠ j of normalised rows (t = 2).
 * 0 when all rows coincide; more negative is more uniform on the sphere.
 */
export function uniformity(features: FeatureInput): number {
  const m = toMatrix(features);
  if (m.rows < 2) throw new Error(`uniformity needs at least 2 feature rows, got ${m.rows}`);
  const all = tf.tidy(() => normalizeRows(tf.tensor2d(m.data, [m.rows, m.cols])));
  const allTransposed = tf.transpose(all);
  let sum = 0;
  for (let start = 0; start < m.rows; start += CHUNK) {
    const size = Math.min(CHUNK, m.rows - start);
    // For unit rows ||x - y||² = 2 - 2 x·y, so each term is exp(4 x·y - 4) in [e^-8, 1]: no overflow.
    sum += tf.tidy(() => tf.sum(tf.exp(tf.sub(tf.mul(tf.matMul(tf.slice(all, [start], [size]), allTransposed), 4), 4))).dataSync()[0]);
  }
  tf.dispose([all, allTransposed]);
  // Each row's pair with itself contributed exp(0) = 1.
  return Math.log((sum - m.rows) / (m.rows * (m.rows - 1)));
}

/** Mean over samples of the fraction of their `neighbours` nearest (cosine) other samples sharing their class. */
export async function semanticPurity(features: FeatureInput, labels: LabelInput, neighbours = 20, stopCheck?: StopCheck): Promise<number> {
  const m = toMatrix(features);
  const y = toLabels(labels, m.rows, 'semantic purity');
  const found = await nearestNeighbours(m, m, neighbours, true, stopCheck);
  let same = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = i * neighbours; j < (i + 1) * neighbours; j++) if (y[found.indices[j]] === y[i]) same += 1;
  }
  return same / (m.rows * neighbours);
}

export interface CollapseOptions {
  neighbours?: number;
  /** Features of a second augmented view of the same samples, row-aligned: needed for alignment. */
  secondView?: FeatureInput;
}

export interface CollapseMetrics {
  effectiveRank: number;
  /** null when no second view was given. */
  alignment: number | null;
  uniformity: number;
  purity: number;
  neighbours: number;
}

/** All four; `stopCheck` runs between them and within semantic purity's neighbour search. */
export async function collapseMetrics(
  features: FeatureInput,
  labels: LabelInput,
  options: CollapseOptions = {},
  stopCheck?: StopCheck,
): Promise<CollapseMetrics> {
  const m = toMatrix(features);
  // Like knn's k: a test set smaller than neighbours + 1 uses every other sample.
  const neighbours = Math.min(options.neighbours ?? 20, m.rows - 1);
  const rank = effectiveRank(m);
  await stopCheck?.();
  const aligned = options.secondView === undefined ? null : alignment(m, options.secondView);
  const spread = uniformity(m);
  await stopCheck?.();
  return { effectiveRank: rank, alignment: aligned, uniformity: spread, purity: await semanticPurity(m, labels, neighbours, stopCheck), neighbours };
}
