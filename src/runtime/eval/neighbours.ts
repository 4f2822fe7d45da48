/** Cosine nearest neighbours between two feature sets, computed in chunks of query rows. */
import * as tf from '@tensorflow/tfjs-core';
import { normalizeRows } from '../objectives/rows.ts';
import { type FeatureInput, type StopCheck, toMatrix } from './features.ts';

export interface Neighbours {
  /** k per query, row-major: indices into the reference rows, most similar first. */
  indices: Int32Array;
  /** The matching cosine similarities. */
  similarities: Float32Array;
  k: number;
}

/** Query rows per chunk: a chunk's similarity matrix is chunk x reference rows. */
const CHUNK = 512;

/**
 * The k most cosine-similar reference rows of every query row. With `excludeSelf` the queries are
 * the reference set itself and each row is kept out of its own neighbours. `stopCheck` runs after
 * every chunk.
 */
export async function nearestNeighbours(
  queries: FeatureInput,
  reference: FeatureInput,
  k: number,
  excludeSelf = false,
  stopCheck?: StopCheck,
): Promise<Neighbours> {
  const q = toMatrix(queries);
  const r = toMatrix(reference);
  if (q.cols !== r.cols) throw new Error(`query features have ${q.cols} columns, reference features ${r.cols}`);
  if (excludeSelf && q.rows !== r.rows) throw new Error('excludeSelf needs the queries to be the reference set');
  const available = r.rows - (excludeSelf ? 1 : 0);
  if (!Number.isInteger(k) || k < 1 || k > available) throw new Error(`k must be an integer in [1, ${available}], got ${k}`);
  const indices = new Int32Array(q.rows * k);
  const similarities = new Float32Array(q.rows * k);
  const refTransposed = tf.tidy(() => tf.transpose(normalizeRows(tf.tensor2d(r.data, [r.rows, r.cols]))));
  try {
    for (let start = 0; start < q.rows; start += CHUNK) {
      const size = Math.min(CHUNK, q.rows - start);
      const top = tf.tidy(() => {
        const chunk = normalizeRows(tf.tensor2d(q.data.subarray(start * q.cols, (start + size) * q.cols), [size, q.cols]));
        let sims = tf.matMul(chunk, refTransposed);
        // Cosine similarity is >= -1, so -3 on the diagonal puts each row below every other.
        if (excludeSelf) sims = tf.sub(sims, tf.mul(tf.oneHot(tf.range(start, start + size, 1, 'int32'), r.rows), 3));
        const { values, indices: idx } = tf.topk(sims, k);
        return [values, idx];
      });
      similarities.set(top[0].dataSync() as Float32Array, start * k);
      indices.set(top[1].dataSync() as Int32Array, start * k);
      tf.dispose(top);
      await stopCheck?.();
    }
  } finally {
    refTransposed.dispose();
  }
  return { indices, similarities, k };
}
