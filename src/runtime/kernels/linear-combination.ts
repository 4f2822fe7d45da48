/**
 * a·x + b·y (+ c·z) over same-shape float32 tensors as one op: the momentum encoders' averages,
 * BatchNorm's running statistics and the SGD update, which as tf ops are 3-6 kernels (and as many
 * trips through the engine) per variable. One native pass where the kernel is registered (wasm
 * with the addon), the same sum of tf ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

/** Inputs { x, y, z? } of one shape, attrs { a, b, c }; output a·x + b·y (+ c·z). */
export const LINEAR_COMBINATION = 'RekdLinearCombination';

export type Term<T extends tf.Tensor> = readonly [T, number];

/** The sum of coefficient x tensor over two or three terms of the same shape (no gradient). */
export function linearCombination<T extends tf.Tensor>(first: Term<T>, second: Term<tf.Tensor>, third?: Term<tf.Tensor>): T {
  const terms = third === undefined ? [first, second] : [first, second, third];
  const native = terms.every(([t]) => t.dtype === 'float32' && util.arraysEqual(t.shape, first[0].shape)) &&
    tf.getKernel(LINEAR_COMBINATION, tf.getBackend()) !== undefined;
  if (native) {
    const inputs = { x: first[0], y: second[0], ...(third === undefined ? {} : { z: third[0] }) };
    return tf.engine().runKernel(LINEAR_COMBINATION, inputs, { a: first[1], b: second[1], c: third?.[1] ?? 0 }) as T;
  }
  return tf.tidy(() => terms.map(([t, k]) => tf.mul(t, k)).reduce((sum, t) => tf.add(sum, t))) as T;
}

function combine(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { x, y, z } = args.inputs as { x: TensorInfo; y: TensorInfo; z?: TensorInfo };
    const { a, b, c } = args.attrs as { a: number; b: number; c: number };
    const inputs = z === undefined ? [x, y] : [x, y, z];
    if (inputs.some((t) => t.dtype !== 'float32')) return delegate(fallback, args, 'a non-float32 linear combination');
    return computeInPlace(args.backend, inputs, x.shape, ([xs, ys, zs], out) => addon.linearCombination(out, a, xs, b, ys, c, zs ?? null));
  };
}

export function nativeLinearCombinationKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return { [LINEAR_COMBINATION]: (fallback) => combine(addon, fallback) };
}
