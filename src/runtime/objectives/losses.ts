/**
 * The loss functions of METHOD.md as pure functions on tensors. Every embedding argument is an
 * L2-normalised row matrix; each loss returns the mean over the batch as a scalar. All of them work
 * on log-softmax (log-sum-exp) so small temperatures (0.01) cannot overflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectMatrix, expectPositive, rowDots, scaledSimilarities } from './rows.ts';

/** Logits of q_i against A(i) = {k_i} ∪ Q: column 0 is the own key, then the queue slots. */
function keyAndQueueLogits(q: tf.Tensor2D, k: tf.Tensor2D, queue: tf.Tensor2D, temperature: number): tf.Tensor2D {
  expectMatrix('q', q);
  expectMatrix('k', k, q.shape[1], q.shape[0]);
  expectMatrix('queue', queue, q.shape[1]);
  expectPositive('temperature', temperature);
  return tf.tidy(() => tf.concat([tf.div(rowDots(q, k), temperature), scaledSimilarities(q, queue, temperature)], 1) as tf.Tensor2D);
}

/** Student rows q against their queue, teacher rows t (one per q) against a teacher queue aligned slot by slot. */
function expectAlignedQueues(q: tf.Tensor2D, queue: tf.Tensor2D, queueName: string, t: tf.Tensor2D, teacherQueue: tf.Tensor2D): void {
  expectMatrix('q', q);
  expectMatrix(queueName, queue, q.shape[1]);
  expectMatrix('t', t, undefined, q.shape[0]);
  expectMatrix('teacherQueue', teacherQueue, t.shape[1], queue.shape[0]);
}

/**
 * The value of a queue-based loss while the queue is still empty (the first step): 0, kept
 * connected to q so that an optimiser step on this loss alone stays valid. Written out rather than
 * computed because wasm's matMul over an empty inner dimension returns uninitialised memory (NaN
 * gradients).
 */
export function emptyQueueLoss(q: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.sum(q), 0) as tf.Scalar);
}

/** -mean_i Σ_j p_i(j) log softmax(logits_i)_j for a target distribution p (rows of `target`). */
function crossEntropyToTarget(target: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** `instance moco`: InfoNCE with the own key as the only positive and the queue as negatives. */
export function instanceContrast(q: tf.Tensor2D, k: tf.Tensor2D, queue: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logProb = tf.logSoftmax(keyAndQueueLogits(q, k, queue, temperature));
    return tf.neg(tf.mean(tf.slice(logProb, [0, 0], [-1, 1]))) as tf.Scalar;
  });
}

/**
 * `relation rekd` with a hard miner: supervised contrast over A(i) = {k_i} ∪ Q where the positives
 * are the own key plus the queue slots marked 1 in `positives` (B x K, 0/1).
 */
export function relationContrast(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  queue: tf.Tensor2D,
  positives: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  expectMatrix('positives', positives, queue.shape[0], q.shape[0]);
  return tf.tidy(() => {
    const logProb = tf.logSoftmax(keyAndQueueLogits(q, k, queue, temperature));
    const mask = tf.concat([tf.ones([q.shape[0], 1]), tf.cast(positives, 'float32')], 1);
    const perQuery = tf.div(tf.sum(tf.mul(mask, logProb), 1), tf.sum(mask, 1));
    return tf.neg(tf.mean(perQuery)) as tf.Scalar;
  });
}

/**
 * `relation rekd` with the `soft` miner: cross-entropy from the teacher's similarity distribution
 * over the queue slots, softmax(t·T_Q/τ_t), to the student's, softmax(q·Q/τ). 0 for an empty queue.
 */
export function softRelation(
  q: tf.Tensor2D,
  queue: tf.Tensor2D,
  t: tf.Tensor2D,
  teacherQueue: tf.Tensor2D,
  temperature: number,
  teacherTemperature: number,
): tf.Scalar {
  expectAlignedQueues(q, queue, 'queue', t, teacherQueue);
  expectPositive('temperature', temperature);
  expectPositive('teacherTemperature', teacherTemperature);
  if (queue.shape[0] === 0) return emptyQueueLoss(q);
  return tf.tidy(() =>
    crossEntropyToTarget(
      tf.softmax(scaledSimilarities(t, teacherQueue, teacherTemperature)),
      scaledSimilarities(q, queue, temperature),
    ),
  );
}

/** Similarities of x with D+ = [t_i ; D] (SEED): column 0 is the teacher's own embedding. */
function seedLogits(x: tf.Tensor2D, t: tf.Tensor2D, teacherQueue: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => tf.concat([tf.div(rowDots(x, t), temperature), scaledSimilarities(x, teacherQueue, temperature)], 1) as tf.Tensor2D);
}

/** `relation seed`: cross-entropy of the student's distribution over D+ to the teacher's. */
export function seedLoss(
  s: tf.Tensor2D,
  t: tf.Tensor2D,
  teacherQueue: tf.Tensor2D,
  studentTemperature: number,
  teacherTemperature: number,
): tf.Scalar {
  expectMatrix('s', s);
  expectMatrix('t', t, s.shape[1], s.shape[0]);
  expectMatrix('teacherQueue', teacherQueue, s.shape[1]);
  expectPositive('studentTemperature', studentTemperature);
  expectPositive('teacherTemperature', teacherTemperature);
  return tf.tidy(() =>
    crossEntropyToTarget(
      tf.softmax(seedLogits(t, t, teacherQueue, teacherTemperature)),
      seedLogits(s, t, teacherQueue, studentTemperature),
    ),
  );
}

/**
 * `relation compress`: KL(softmax(t·D_t/τ) || softmax(q·D_s/τ)) over two aligned queues (row j of
 * both queues comes from the same image). 0 for empty queues.
 */
export function compressLoss(
  q: tf.Tensor2D,
  t: tf.Tensor2D,
  studentQueue: tf.Tensor2D,
  teacherQueue: tf.Tensor2D,
  temperature: number,
): tf.Scalar {
  expectAlignedQueues(q, studentQueue, 'studentQueue', t, teacherQueue);
  expectPositive('temperature', temperature);
  if (studentQueue.shape[0] === 0) return emptyQueueLoss(q);
  return tf.tidy(() => {
    const teacherLogProb = tf.logSoftmax(scaledSimilarities(t, teacherQueue, temperature));
    const studentLogProb = tf.logSoftmax(scaledSimilarities(q, studentQueue, temperature));
    const kl = tf.sum(tf.mul(tf.exp(teacherLogProb), tf.sub(teacherLogProb, studentLogProb)), 1);
    return tf.mean(kl) as tf.Scalar;
  });
}
