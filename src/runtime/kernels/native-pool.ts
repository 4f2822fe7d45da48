/**
 * MaxPoolGrad, natively (a fifth of the alexnet student's kernel time once its convolutions were
 * native): each output gradient goes to the first maximum of its window, as on the cpu backend.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { convShape } from './native-conv.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

type Shape4 = [number, number, number, number];

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: backend_util.ExplicitPadding | 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    if (dy.dtype !== 'float32' || input.dtype !== 'float32') return delegate(fallback, args, 'non-float32 max-pool gradients');
    const a = args.attrs as NamedAttrMap as unknown as PoolAttrs;
    const info = backend_util.computePool2DInfo(input.shape as Shape4, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    return computeInPlace(args.backend, [input, dy], input.shape, ([x, grad], dx) => addon.maxPoolBackprop(x, grad, dx, convShape(info)));
  };
}

export function nativePoolKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return { MaxPoolGrad: (fallback) => maxPoolGrad(addon, fallback) };
}
