/**
 * BatchMatMul on the native GEMM when both operands have the same batch size: the transpose flags
 * become strides (no Transpose kernel runs). Broadcast batches, empty and non-float32 operands go
 * to the kernel it replaces.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

function batchMatMul(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const rank = a.shape.length;
    const batchShape = a.shape.slice(0, -2);
    const sameBatch = b.shape.length === rank && util.arraysEqual(batchShape, b.shape.slice(0, -2));
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !sameBatch || util.sizeFromShape(a.shape) === 0 || util.sizeFromShape(b.shape) === 0) {
      return delegate(fallback, args, 'this matrix product');
    }
    const [m, k] = transposeA ? [a.shape[rank - 1], a.shape[rank - 2]] : [a.shape[rank - 2], a.shape[rank - 1]];
    const n = transposeB ? b.shape[rank - 2] : b.shape[rank - 1];
    // Element (i, p) of op(a) and (p, j) of op(b), as (row stride, column stride).
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    const batches = util.sizeFromShape(batchShape);
    return computeInPlace(args.backend, [a, b], [...batchShape, m, n], ([as, bs], out) => {
      for (let i = 0; i < batches; i++) {
        addon.gemm(m, n, k, as.subarray(i * m * k, (i + 1) * m * k), aRow, aCol, bs.subarray(i * k * n, (i + 1) * k * n), bRow, bCol,
          out.subarray(i * m * n, (i + 1) * m * n), n, false);
      }
    });
  };
}

export function nativeMatMulKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return { BatchMatMul: (fallback) => batchMatMul(addon, fallback) };
}
