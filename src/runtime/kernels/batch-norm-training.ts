/**
 * Training-mode BatchNorm over the last axis as one differentiable op. Composed from tf.moments
 * and tf.batchNorm, a BatchNorm keeps every intermediate (x - mean, its square, ...) alive until
 * the step's tape is released and back-propagates through each of them; here the forward keeps
 * only the statistics (x is kept anyway by the layer before), and the backward is the closed form
 *   dx = k (dy - sum(dy)/n - x̂ sum(dy x̂)/n),  dγ = sum(dy x̂),  dβ = sum(dy),
 * with k = γ / sqrt(var + eps) and x̂ = (x - mean) / sqrt(var + eps). Where the native kernels
 * are registered (native-batch-norm.ts) forward and backward are one kernel each; elsewhere they
 * are composed of tf ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from './native-batch-norm.ts';

/**
 * Receives the batch mean and biased batch variance (for running statistics), [C], or [G * C]
 * group-major with groups. They are disposed when it returns: copy what you need (Variable.assign does).
 */
export type StatisticsSink = (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;

/**
 * With `relu`, max(BatchNorm(x), 0): the native kernels fuse it (no ReLU pass either way). With
 * `groups` G, x's leading axis is cut into G equal contiguous groups, each normalised with its
 * own statistics (MoCo's shuffling BN on one device: nn/batch-groups.ts).
 */
export function batchNormTraining<T extends tf.Tensor>(
  x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics?: StatisticsSink, relu = false, groups = 1,
): T {
  if (!(Number.isInteger(groups) && groups >= 1 && x.shape[0] % groups === 0)) {
    throw new Error(`BatchNorm: ${groups} groups do not divide a batch of ${x.shape[0]}`);
  }
  if (x.dtype === 'float32' && tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined) {
    return nativeBatchNormTraining(x, gamma, beta, epsilon, onStatistics, relu, groups);
  }
  const y = composedBatchNormTraining(x, gamma, beta, epsilon, onStatistics, groups);
  return relu ? tf.relu(y) : y;
}

function composedBatchNormTraining<T extends tf.Tensor>(
  x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics: StatisticsSink | undefined, groups: number,
): T {
  const channels = x.shape[x.shape.length - 1];
  // Rows per group; statistics are [G, 1, C] over the view [G, rows, C].
  const count = x.size / channels / groups;
  const grouped = (t: tf.Tensor) => tf.reshape(t, [groups, count, channels]);
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, shift] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const xs = grouped(input);
    const { mean, variance } = tf.moments(xs, [1], true);
    if (onStatistics) tf.tidy(() => onStatistics(tf.reshape(mean, [-1]), tf.reshape(variance, [-1])));
    const gain = tf.mul(scale, tf.rsqrt(tf.add(variance, epsilon)));
    save([input, mean, variance, scale]);
    return {
      // y = x k + (β - mean k): two full-size passes.
      value: tf.reshape(tf.add(tf.mul(xs, gain), tf.sub(shift, tf.mul(mean, gain))), input.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xsSaved, mu, v, g] = saved;
        const inv = tf.rsqrt(tf.add(v, epsilon));
        const centred = tf.sub(grouped(xsSaved), mu);
        const dyGrouped = grouped(dy);
        const dyCentredSum = tf.sum(tf.mul(dyGrouped, centred), 1, true);
        const dySum = tf.sum(dyGrouped, 1, true);
        const k = tf.mul(g, inv);
        // dx = k dy + (x - mean) a + b, with a = -k inv^2 sum(dy (x - mean)) / n, b = -k sum(dy) / n.
        const a = tf.mul(tf.mul(k, tf.square(inv)), tf.mul(dyCentredSum, -1 / count));
        const b = tf.mul(k, tf.mul(dySum, -1 / count));
        const dx = tf.reshape(tf.add(tf.add(tf.mul(dyGrouped, k), tf.mul(centred, a)), b), dy.shape);
        // γ and β are shared by the groups: their gradients add up.
        return [dx, tf.reshape(tf.sum(tf.mul(dyCentredSum, inv), [0, 1]), [channels]), tf.reshape(tf.sum(dySum, [0, 1]), [channels])];
      },
    };
  });
  return normalise(x, gamma, beta) as T;
}

function nativeBatchNormTraining<T extends tf.Tensor>(
  x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics: StatisticsSink | undefined, relu: boolean, groups: number,
): T {
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, offset] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x: input, scale, offset }, { epsilon, relu, groups }) as tf.Tensor[];
    onStatistics?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    // After a fused ReLU, y tells where the gradient passes (the next layer keeps y anyway).
    save([input, mean, variance, scale, ...(relu ? [y] : [])]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, v, g, output] = saved;
        const inputs = { dy, x: xs, mean: mu, variance: v, scale: g, ...(output === undefined ? {} : { y: output }) };
        return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, { epsilon, groups }) as tf.Tensor[];
      },
    };
  });
  return normalise(x, gamma, beta) as T;
}
