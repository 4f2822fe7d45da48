/**
 * How right a relation miner is, measured against the true classes (issue 8: "check the miner's
 * purity against labels"). A diagnostic for the run's log only: it reads the mining after it was
 * made and no loss or miner ever sees the class labels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Mining } from './miners.ts';
import type { MemoryQueue } from './queue.ts';
import { oneHotRows, scaledSimilarities } from './rows.ts';

export interface MinerAccuracy {
  /**
   * Of all mined positives of the batch, the fraction in a slot of the query's class; for the soft
   * miner, the mean target mass on slots of the query's class. Absent when nothing was mined.
   */
  precision?: number;
  /** Mean mined positives per query (hard miners only). */
  positives?: number;
  /** The precision of picking slots at random: the mean fraction of slots of the query's class. */
  chance: number;
}

/**
 * Measures `mining` of a batch whose true classes are `classes` (int32 in [0, classCount)) against
 * the classes of the queue slots it was mined from (`queue.classLabels`, before the batch is
 * enqueued). Slots of unknown class (-1) count in `positives` only. Undefined while the miner warms
 * up and when no slot has a known class.
 */
export function measureMiner(mining: Mining, queue: MemoryQueue, classes: tf.Tensor1D, classCount: number): MinerAccuracy | undefined {
  if (mining.kind === 'instance' || queue.count === 0) return undefined;
  if (classes.shape[0] !== (mining.kind === 'soft' ? mining.teacher : mining.positives).shape[0]) {
    throw new Error(`measureMiner needs one class per query, got ${classes.shape[0]}`);
  }
  // Per class rather than a B x K class comparison: wasm's Equal over B x K costs 20x these products.
  const sums = tf.tidy(() => {
    const slotClasses = oneHotRows(queue.classLabels, classCount); // K x C, zero rows where unknown
    const queryClasses = oneHotRows(classes, classCount); // B x C
    const weights =
      mining.kind === 'soft'
        ? tf.softmax(scaledSimilarities(mining.teacher, queue.teacher, mining.teacherTemperature))
        : mining.positives;
    const weightPerClass = tf.matMul(weights, slotClasses); // B x C
    const slotsPerClass = tf.sum(slotClasses, 0); // C
    return tf.stack([
      tf.sum(tf.mul(weightPerClass, queryClasses)),
      tf.sum(weightPerClass),
      tf.sum(weights),
      tf.sum(tf.mul(queryClasses, slotsPerClass)),
      tf.sum(slotsPerClass),
    ]);
  });
  const [onClass, onKnown, mined, sameSlots, knownSlots] = sums.dataSync();
  sums.dispose();
  if (knownSlots === 0) return undefined;
  const queries = classes.shape[0];
  return {
    ...(onKnown > 0 ? { precision: onClass / onKnown } : {}),
    ...(mining.kind === 'positives' ? { positives: mined / queries } : {}),
    chance: sameSlots / (queries * knownSlots),
  };
}
