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
 * Receives the batch mean and biased batch variance (for running statistics). They are disposed
 * when it returns: copy what you need (Variable.assign does).
 */
export type StatisticsSink = (mean: tf.Tensor1D, variance: tf.Tensor1D) => void;

/** With `relu`, max(BatchNorm(x), 0): the native kernels fuse it (no ReLU pass either way). */
export function batchNormTraining<T extends tf.Tensor>(
  x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics?: StatisticsSink, relu = false,
): T {
  if (x.dtype === 'float32' && tf.getKernel(BATCH_NORM_TRAINING, tf.getBackend()) !== undefined) {
    return nativeBatchNormTraining(x, gamma, beta, epsilon, onStatistics, relu);
  }
  const y = composedBatchNormTraining(x, gamma, beta, epsilon, onStatistics);
  return relu ? tf.relu(y) : y;
}

function composedBatchNormTraining<T extends tf.Tensor>(
  x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics?: StatisticsSink,
): T {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const count = x.size / x.shape[x.shape.length - 1];
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, shift] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const { mean, variance } = tf.moments(input, axes);
    onStatistics?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    const gain = tf.mul(scale, tf.rsqrt(tf.add(variance, epsilon)));
    save([input, mean, variance, scale]);
    return {
      // y = x k + (β - mean k): two full-size passes.
      value: tf.add(tf.mul(input, gain), tf.sub(shift, tf.mul(mean, gain))),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, v, g] = saved;
        const inv = tf.rsqrt(tf.add(v, epsilon));
        const centred = tf.sub(xs, mu);
        const dyCentredSum = tf.sum(tf.mul(dy, centred), axes);
        const dySum = tf.sum(dy, axes);
        const k = tf.mul(g, inv);
        // dx = k dy + (x - mean) a + b, with a = -k inv^2 sum(dy (x - mean)) / n, b = -k sum(dy) / n.
        const a = tf.mul(tf.mul(k, tf.square(inv)), tf.mul(dyCentredSum, -1 / count));
        const b = tf.mul(k, tf.mul(dySum, -1 / count));
        const dx = tf.add(tf.add(tf.mul(dy, k), tf.mul(centred, a)), b);
        return [dx, tf.mul(dyCentredSum, inv), dySum];
      },
    };
  });
  return normalise(x, gamma, beta) as T;
}

function nativeBatchNormTraining<T extends tf.Tensor>(
  x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics: StatisticsSink | undefined, relu: boolean,
): T {
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, offset] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x: input, scale, offset }, { epsilon, relu }) as tf.Tensor[];
    onStatistics?.(mean as tf.Tensor1D, variance as tf.Tensor1D);
    // After a fused ReLU, y tells where the gradient passes (the next layer keeps y anyway).
    save([input, mean, variance, scale, ...(relu ? [y] : [])]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, v, g, output] = saved;
        const inputs = { dy, x: xs, mean: mu, variance: v, scale: g, ...(output === undefined ? {} : { y: output }) };
        return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, { epsilon }) as tf.Tensor[];
      },
    };
  });
  return normalise(x, gamma, beta) as T;
}
