/**
 * Training-mode BatchNorm as two kernels of our own (tfjs has none that return the batch
 * statistics): the forward (y, mean, biased variance) and its closed-form backward (dx, dγ, dβ),
 * each two passes over the data instead of a dozen tf ops. batchNormTraining uses them when they
 * are registered for the current backend (wasm with the addon).
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeManyInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

/**
 * Inputs { x, scale, offset }, attrs { epsilon, relu, groups }; outputs [y, mean, variance]; y is
 * ReLU'd when `relu`. With groups G, x's rows form G equal contiguous groups, each normalised with
 * its own statistics, and mean and variance are [G * C] (group-major).
 */
export const BATCH_NORM_TRAINING = 'RekdBatchNormTraining';
/**
 * Inputs { dy, x, mean, variance, scale } and, after a fused ReLU, y (the forward's output), attrs
 * { epsilon, groups }; outputs [dx, dscale, doffset].
 */
export const BATCH_NORM_TRAINING_GRAD = 'RekdBatchNormTrainingGrad';

function allFloat32(inputs: TensorInfo[]): boolean {
  return inputs.every((t) => t.dtype === 'float32');
}

/** The group `g` of `groups` equal contiguous parts of `array`. */
function part(array: Float32Array, g: number, groups: number): Float32Array {
  const size = array.length / groups;
  return array.subarray(g * size, (g + 1) * size);
}

function forward(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { x, scale, offset } = args.inputs as Record<string, TensorInfo>;
    if (!allFloat32([x, scale, offset])) return delegate(fallback, args, 'non-float32 BatchNorm');
    const { epsilon, relu, groups } = args.attrs as { epsilon: number; relu: boolean; groups: number };
    const statistics = [groups * scale.shape[0]];
    return computeManyInPlace(args.backend, [x, scale, offset], [x.shape, statistics, statistics], ([xs, gamma, beta], [y, mean, variance]) => {
      for (let g = 0; g < groups; g++) {
        addon.batchNormForward(part(xs, g, groups), gamma, beta, epsilon, relu, part(y, g, groups), part(mean, g, groups), part(variance, g, groups));
      }
    });
  };
}

function backward(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, x, mean, variance, scale, y } = args.inputs as Record<string, TensorInfo | undefined> & Record<'dy' | 'x' | 'mean' | 'variance' | 'scale', TensorInfo>;
    const inputs = [dy, x, mean, variance, scale, ...(y === undefined ? [] : [y])];
    if (!allFloat32(inputs)) return delegate(fallback, args, 'non-float32 BatchNorm gradients');
    const { epsilon, groups } = args.attrs as { epsilon: number; groups: number };
    return computeManyInPlace(args.backend, inputs, [x.shape, scale.shape, scale.shape],
      ([grad, xs, mu, v, gamma, reluOutput], [dx, dgamma, dbeta]) => {
        if (groups === 1) return addon.batchNormBackward(grad, xs, reluOutput ?? null, mu, v, gamma, epsilon, dx, dgamma, dbeta);
        // Each group's dγ and dβ, then their sums: γ and β are shared by the groups.
        const [groupGamma, groupBeta] = [new Float32Array(dgamma.length), new Float32Array(dbeta.length)];
        dgamma.fill(0);
        dbeta.fill(0);
        for (let g = 0; g < groups; g++) {
          const at = (array: Float32Array) => part(array, g, groups);
          addon.batchNormBackward(at(grad), at(xs), reluOutput ? at(reluOutput) : null, at(mu), at(v), gamma, epsilon, at(dx), groupGamma, groupBeta);
          for (let c = 0; c < dgamma.length; c++) {
            dgamma[c] += groupGamma[c];
            dbeta[c] += groupBeta[c];
          }
        }
      });
  };
}

export function nativeBatchNormKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return {
    [BATCH_NORM_TRAINING]: (fallback) => forward(addon, fallback),
    [BATCH_NORM_TRAINING_GRAD]: (fallback) => backward(addon, fallback),
  };
}
