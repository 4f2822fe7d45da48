/**
 * The FusedBatchNorm gradient without tfjs-core's full-size Tile of 1/sqrt(variance) (wasm's Tile
 * took 24% of a training step) and with the two sums every derivative shares computed once.
 * Same maths: with k = scale / sqrt(variance + eps),
 *   dx = dy k,  dmean = -k sum(dy),  dvariance = -k / (2 (variance + eps)) sum(dy (x - mean)),
 *   dscale = sum(dy (x - mean)) / sqrt(variance + eps),  doffset = sum(dy).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';

export function registerFastBatchNormGradient(): void {
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
      const dyT = dy as tf.Tensor;
      const axes = backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor) => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
      const invStd = tf.rsqrt(tf.add(variance, epsilon));
      const gain = scale == null ? invStd : tf.mul(scale, invStd);
      const dySum = reduce(dyT);
      const dyCentredSum = reduce(tf.mul(dyT, tf.sub(x, mean)));
      return {
        x: () => tf.mul(dyT, gain),
        mean: () => tf.neg(tf.mul(dySum, gain)),
        variance: () => tf.mul(dyCentredSum, tf.mul(gain, tf.mul(tf.square(invStd), -0.5))),
        scale: () => tf.mul(dyCentredSum, invStd),
        offset: () => dySum,
      };
    },
  });
}
