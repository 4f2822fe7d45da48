/**
 * Training-mode BatchNorm as two kernels of our own (tfjs has none that return the batch
 * statistics): the forward (y, mean, biased variance) and its closed-form backward (dx, dγ, dβ),
 * each two passes over the data instead of a dozen tf ops. batchNormTraining uses them when they
 * are registered for the current backend (wasm with the addon).
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeManyInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

/** Inputs { x, scale, offset }, attrs { epsilon, relu }; outputs [y, mean, variance]; y is ReLU'd when `relu`. */
export const BATCH_NORM_TRAINING = 'RekdBatchNormTraining';
/**
 * Inputs { dy, x, mean, variance, scale } and, after a fused ReLU, y (the forward's output), attrs
 * { epsilon }; outputs [dx, dscale, doffset].
 */
export const BATCH_NORM_TRAINING_GRAD = 'RekdBatchNormTrainingGrad';

function allFloat32(inputs: TensorInfo[]): boolean {
  return inputs.every((t) => t.dtype === 'float32');
}

function forward(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { x, scale, offset } = args.inputs as Record<string, TensorInfo>;
    if (!allFloat32([x, scale, offset])) return delegate(fallback, args, 'non-float32 BatchNorm');
    const { epsilon, relu } = args.attrs as { epsilon: number; relu: boolean };
    return computeManyInPlace(args.backend, [x, scale, offset], [x.shape, scale.shape, scale.shape],
      ([xs, gamma, beta], [y, mean, variance]) => addon.batchNormForward(xs, gamma, beta, epsilon, relu, y, mean, variance));
  };
}

function backward(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, x, mean, variance, scale, y } = args.inputs as Record<string, TensorInfo | undefined> & Record<'dy' | 'x' | 'mean' | 'variance' | 'scale', TensorInfo>;
    const inputs = [dy, x, mean, variance, scale, ...(y === undefined ? [] : [y])];
    if (!allFloat32(inputs)) return delegate(fallback, args, 'non-float32 BatchNorm gradients');
    const { epsilon } = args.attrs as { epsilon: number };
    return computeManyInPlace(args.backend, inputs, [x.shape, scale.shape, scale.shape],
      ([grad, xs, mu, v, gamma, reluOutput], [dx, dgamma, dbeta]) =>
        addon.batchNormBackward(grad, xs, reluOutput ?? null, mu, v, gamma, epsilon, dx, dgamma, dbeta));
  };
}

export function nativeBatchNormKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return {
    [BATCH_NORM_TRAINING]: (fallback) => forward(addon, fallback),
    [BATCH_NORM_TRAINING_GRAD]: (fallback) => backward(addon, fallback),
  };
}
