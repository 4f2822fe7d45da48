/**
 * Channel splits, concatenations and the swap of the last two axes (ShuffleNet's channel shuffle)
 * as strided copies on the pool's threads; wasm's SplitV, Concat and Transpose are
 * single-threaded, and took 37% of a shufflenetv2 step. Other axes and permutations go to the
 * kernels these replace.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeManyInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

const isLastAxis = (axis: number, rank: number) => util.parseAxisParam(axis, Array(rank).fill(1))[0] === rank - 1;

function splitV(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    if (x.dtype !== 'float32' || x.shape.length === 0 || !isLastAxis(axis, x.shape.length) || util.sizeFromShape(x.shape) === 0) {
      return delegate(fallback, args, 'this split');
    }
    const channels = x.shape[x.shape.length - 1];
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, x.shape.length - 1) as number[];
    const rows = util.sizeFromShape(x.shape) / channels;
    return computeManyInPlace(args.backend, [x], sizes.map((size) => [...x.shape.slice(0, -1), size]), ([xs], outs) => {
      let offset = 0;
      sizes.forEach((size, i) => {
        addon.copy2d(xs, offset, channels, 1, outs[i], 0, size, 1, rows, size);
        offset += size;
      });
    });
  };
}

function concat(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const inputs = Object.values(args.inputs) as TensorInfo[];
    const { axis } = args.attrs as unknown as { axis: number };
    const rank = inputs[0]?.shape.length ?? 0;
    const leading = inputs[0]?.shape.slice(0, -1) ?? [];
    const usable = rank > 0 && isLastAxis(axis, rank) &&
      inputs.every((t) => t.dtype === 'float32' && util.sizeFromShape(t.shape) > 0 && util.arraysEqual(t.shape.slice(0, -1), leading));
    if (!usable) return delegate(fallback, args, 'this concatenation');
    const widths = inputs.map((t) => t.shape[rank - 1]);
    const channels = widths.reduce((sum, w) => sum + w, 0);
    const rows = util.sizeFromShape(leading);
    return computeManyInPlace(args.backend, inputs, [[...leading, channels]], (views, [out]) => {
      let offset = 0;
      views.forEach((view, i) => {
        addon.copy2d(view, 0, widths[i], 1, out, offset, channels, 1, rows, widths[i]);
        offset += widths[i];
      });
    })[0];
  };
}

/** [..., a, b] -> [..., b, a]: out[r, j, i] = x[r, i, j]. */
function transpose(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const rank = x.shape.length;
    const swapsLastTwo = rank >= 2 && perm.every((p, i) => p === (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
    if (x.dtype !== 'float32' || !swapsLastTwo || util.sizeFromShape(x.shape) === 0) return delegate(fallback, args, 'this transpose');
    const [a, b] = x.shape.slice(-2);
    const rows = util.sizeFromShape(x.shape) / (a * b);
    const outShape = [...x.shape.slice(0, -2), b, a];
    return computeManyInPlace(args.backend, [x], [outShape], ([xs], [out]) => addon.transposeLastTwo(xs, out, rows, a, b))[0];
  };
}

export function nativeLayoutKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return {
    SplitV: (fallback) => splitV(addon, fallback),
    Concat: (fallback) => concat(addon, fallback),
    Transpose: (fallback) => transpose(addon, fallback),
  };
}
