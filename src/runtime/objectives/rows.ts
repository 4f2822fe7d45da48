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

/**
 * a · b with a gradient that never asks matMul to transpose: on wasm, matMul with a transpose flag
 * runs about 10x slower than transposing first and multiplying plainly (q·Q^T with a 4096-slot
 * queue: 310 ms against 28 ms), and tfjs's own matMul gradient uses those flags.
 */
export const dot = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  // XNNPACK rejects empty operands with a logged error per call; the queue is empty on step one.
  if (a.size === 0 || b.size === 0) {
    return { value: tf.zeros([a.shape[0], b.shape[1]]), gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)] };
  }
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, [aSaved, bSaved]: tf.Tensor[]) => [
      tf.matMul(dy, tf.transpose(bSaved as tf.Tensor2D)),
      tf.matMul(tf.transpose(aSaved as tf.Tensor2D), dy),
    ],
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** Dot products of every row of `a` with every row of `b` (B x K). */
export function similarities(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => dot(a, tf.transpose(b)));
}

/** Similarities of every row of `a` with every row of `b` (B x K), scaled by 1/temperature. */
export function scaledSimilarities(a: tf.Tensor2D, b: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => tf.div(similarities(a, b), temperature));
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
