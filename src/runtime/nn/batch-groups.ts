/**
 * MoCo's shuffling BatchNorm on one device (METHOD.md, `bn_groups`). MoCo normalises each GPU's
 * share of the batch with its own statistics and hands the key encoder the batch in a shuffled
 * order, so that a query and its positive key are never normalised with the same statistics:
 * otherwise the pair can be recognised from the statistics alone and the model learns that
 * instead of the image (He et al., 2020, section 3.3). Here the batch is cut into `groups`
 * contiguous groups, each normalised with its own statistics; a key forward permutes the batch
 * first and restores the order of the output.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Encoder, EncoderOutput } from './encoder.ts';
import { batchNormMomentum } from './layers.ts';

/** The sizes of `groups` contiguous groups of a batch of `batch`, as equal as possible (larger first). */
export function groupSizes(batch: number, groups: number): number[] {
  if (!(Number.isInteger(groups) && groups >= 1)) throw new Error(`bn_groups must be a positive integer, got ${groups}`);
  if (batch < 2 * groups) throw new Error(`bn_groups ${groups} needs at least 2 images per group, the batch has ${batch}`);
  const base = Math.floor(batch / groups);
  return Array.from({ length: groups }, (_, i) => base + (i < batch % groups ? 1 : 0));
}

export interface GroupedForward {
  /** False: training-mode BatchNorm that leaves the running statistics (momentum key encoders). */
  updateStatistics: boolean;
  /** A permutation of the batch: image order[i] goes to position i before grouping (keys). */
  order?: Int32Array;
}

/**
 * The encoder in training mode with BatchNorm statistics per group. Outputs are in the input's
 * order. Each group moves the running statistics by 1 / groups of the usual weight, so that
 * they average over as many images per step as with one group.
 */
export function forwardInGroups(encoder: Encoder, x: tf.Tensor4D, groups: number, options: GroupedForward): EncoderOutput {
  const { updateStatistics, order } = options;
  if (groups === 1 && !order) return encoder.forward(x, true, updateStatistics);
  return tf.tidy(() => {
    const sizes = groupSizes(x.shape[0], groups);
    const input = order ? tf.gather(x, tf.tensor1d(order, 'int32')) : x;
    const statisticsWeight = batchNormMomentum / groups;
    const outputs = tf.split(input, sizes, 0).map((part) => encoder.apply(part as tf.Tensor4D, { training: true, updateStatistics, statisticsWeight }));
    let features = tf.concat(outputs.map((o) => o.features)) as tf.Tensor2D;
    let embedding = tf.concat(outputs.map((o) => o.embedding)) as tf.Tensor2D;
    if (order) {
      const inverse = new Int32Array(order.length);
      order.forEach((from, to) => { inverse[from] = to; });
      const restore = tf.tensor1d(inverse, 'int32');
      features = tf.gather(features, restore);
      embedding = tf.gather(embedding, restore);
    }
    return { features, embedding };
  });
}
