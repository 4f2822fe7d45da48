/** Small row-wise helpers shared by the objectives and the evaluation code. */
import * as tf from '@tensorflow/tfjs-core';

/** norm(v) = v / max(||v||2, 1e-12), row by row (METHOD.md notation). */
export function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), 1e-12)));
}

/** Row-wise dot products of two B x D matrices: a B x 1 column. */
export function rowDots(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sum(tf.mul(a, b), 1, true));
}

/** Dot products of every row of `a` with every row of `b` (B x K). */
export function similarities(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, b, false, true);
}

/** Similarities of every row of `a` with every row of `b` (B x K), scaled by 1/temperature. */
export function scaledSimilarities(a: tf.Tensor2D, b: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => tf.div(similarities(a, b), temperature));
}

/**
 * One-hot float32 rows of int32 labels (a new last axis of `depth`); a label outside [0, depth),
 * such as the -1 of an unlabelled queue slot, gives a row of zeros.
 */
export function oneHotRows(labels: tf.Tensor1D, depth: number): tf.Tensor2D;
export function oneHotRows(labels: tf.Tensor2D, depth: number): tf.Tensor3D;
export function oneHotRows(labels: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() =>
    depth > 1
      ? tf.cast(tf.oneHot(labels, depth), 'float32')
      : tf.expandDims(tf.cast(tf.equal(labels, 0), 'float32'), -1), // tf.oneHot refuses a depth of 1
  );
}

/** Throws a clear error naming the argument when a tensor is not a matrix of the expected width. */
export function expectMatrix(name: string, x: tf.Tensor, cols?: number, rows?: number): void {
  if (x.rank !== 2) throw new Error(`${name} must be a matrix, got shape [${x.shape.join(', ')}]`);
  if (cols !== undefined && x.shape[1] !== cols) {
    throw new Error(`${name} must have ${cols} columns, got shape [${x.shape.join(', ')}]`);
  }
  if (rows !== undefined && x.shape[0] !== rows) {
    throw new Error(`${name} must have ${rows} rows, got shape [${x.shape.join(', ')}]`);
  }
}

export function expectPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be a finite number > 0, got ${value}`);
}
