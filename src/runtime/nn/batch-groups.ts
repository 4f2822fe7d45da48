/**
 * MoCo's shuffling BatchNorm on one device (METHOD.md, `bn_groups`). MoCo normalises each GPU's
 * share of the batch with its own statistics and hands the key encoder the batch in a shuffled
 * order, so that a query and its positive key are never normalised with the same statistics:
 * otherwise the pair can be recognised from the statistics alone and the model learns that
 * instead of the image (He et al., 2020, section 3.3). Here every BatchNorm normalises `groups`
 * equal contiguous groups of the batch with their own statistics (one forward: the kernels
 * compute per-group statistics); a key forward permutes the batch first and restores the order
 * of the output.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Encoder, EncoderOutput } from './encoder.ts';

export interface GroupedForward {
  /** False: training-mode BatchNorm that leaves the running statistics (momentum key encoders). */
  updateStatistics: boolean;
  /** A permutation of the batch: image order[i] goes to position i before grouping (keys). */
  order?: Int32Array;
}

/** The encoder in training mode with BatchNorm statistics per group; outputs in the input's order. */
export function forwardInGroups(encoder: Encoder, x: tf.Tensor4D, groups: number, options: GroupedForward): EncoderOutput {
  const { updateStatistics, order } = options;
  if (groups > 1 && (x.shape[0] % groups !== 0 || x.shape[0] < 2 * groups)) {
    throw new Error(`bn_groups ${groups} needs a batch that is a multiple of it with at least 2 images per group, got ${x.shape[0]}`);
  }
  if (!order) return encoder.apply(x, { training: true, updateStatistics, batchGroups: groups });
  return tf.tidy(() => {
    const out = encoder.apply(tf.gather(x, tf.tensor1d(order, 'int32')), { training: true, updateStatistics, batchGroups: groups });
    const inverse = new Int32Array(order.length);
    order.forEach((from, to) => { inverse[from] = to; });
    const restore = tf.tensor1d(inverse, 'int32');
    return { features: tf.gather(out.features, restore), embedding: tf.gather(out.embedding, restore) };
  });
}
