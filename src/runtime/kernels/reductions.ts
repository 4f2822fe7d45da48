/**
 * Sum and Mean over a contiguous block of axes as a matrix product with a row of ones (or of
 * 1/n): wasm's own kernels transpose the reduced axes innermost first, which costs ~50x more
 * than the reduction itself for BatchNorm statistics and bias gradients ([N, H, W, C] over N, H, W).
 * Other reductions (non-contiguous axes, non-float dtypes) go to the backend's own kernel.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelOps } from './kernel-ops.ts';

/** [outer, reduced, inner] sizes when `axes` form one contiguous block, else null. */
export function contiguousReduction(shape: number[], axes: number[]): [number, number, number] | null {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.some((a, i) => i > 0 && a !== sorted[i - 1] + 1)) return null;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  return [
    util.sizeFromShape(shape.slice(0, first)),
    util.sizeFromShape(shape.slice(first, last + 1)),
    util.sizeFromShape(shape.slice(last + 1)),
  ];
}

function reduceByMatMul(original: KernelFunc, backendName: string, scale: (n: number) => number): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args as { inputs: { x: TensorInfo }; attrs: NamedAttrMap; backend: KernelBackend };
    const { x } = inputs;
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = util.parseAxisParam(axis, x.shape);
    const sizes = contiguousReduction(x.shape, axes);
    if (x.dtype !== 'float32' || sizes === null || sizes[1] < 2) return original(args);
    const [outer, reduced, inner] = sizes;
    const ops = new KernelOps(backend, backendName);
    const weights = ops.run('Fill', {}, { shape: [1, 1, reduced], value: scale(reduced), dtype: 'float32' });
    const product = ops.matMul(weights, ops.reshape(x, [outer, reduced, inner]));
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return ops.finish(ops.reshape(product, shape));
  };
}

/** Replacement Sum and Mean kernels for `backendName`, delegating to its `originals`. */
export function reductionKernels(backendName: string, originals: Record<'Sum' | 'Mean', KernelConfig>) {
  return [
    { kernelName: 'Sum', kernelFunc: reduceByMatMul(originals.Sum.kernelFunc, backendName, () => 1) },
    { kernelName: 'Mean', kernelFunc: reduceByMatMul(originals.Mean.kernelFunc, backendName, (n) => 1 / n) },
  ];
}
