/**
 * Sum and Mean over a contiguous block of axes, natively (BatchNorm statistics and gradient sums
 * over N, H, W: a quarter of a training step's kernel time once the convolutions were native).
 * Other reductions go to the kernels they replace.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';
import { contiguousReduction } from './reductions.ts';

function reduction(addon: NativeAddon, mean: boolean, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape);
    const sizes = contiguousReduction(x.shape, axes);
    if (x.dtype !== 'float32' || sizes === null || sizes[1] < 2) return delegate(fallback, args, 'this reduction');
    const [outer, reduced, inner] = sizes;
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return computeInPlace(args.backend, [x], shape, ([xs], out) => addon.reduceMiddle(xs, out, outer, reduced, inner, mean));
  };
}

export function nativeReductionKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return {
    Sum: (fallback) => reduction(addon, false, fallback),
    Mean: (fallback) => reduction(addon, true, fallback),
  };
}
