/**
 * What every native kernel of the wasm backend shares: running the addon in place on the wasm
 * heap, and handing the cases it does not cover to the kernel it replaced.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A native kernel, given the kernel registered before it (undefined when there was none). */
export type NativeKernelFactory = (fallback: KernelFunc | undefined) => KernelFunc;

/**
 * Allocates a float32 output of `outShape` on `backend` (a kernel's args.backend, wasm's) and
 * calls `compute` with views of the inputs and the output in the wasm heap; returns the output.
 */
export function computeInPlace(
  backend: unknown, inputs: TensorInfo[], outShape: number[], compute: (inputs: Float32Array[], out: Float32Array) => void,
): TensorInfo {
  return computeManyInPlace(backend, inputs, [outShape], (views, [out]) => compute(views, out))[0];
}

/** computeInPlace for a kernel with several outputs, one per shape of `outShapes`. */
export function computeManyInPlace(
  backend: unknown, inputs: TensorInfo[], outShapes: number[][], compute: (inputs: Float32Array[], outs: Float32Array[]) => void,
): TensorInfo[] {
  const wasm = backend as BackendWasm;
  const outs = outShapes.map((shape) => wasm.makeOutput(shape, 'float32'));
  try {
    // Views are taken after the allocations, which may grow the heap and detach its old buffer.
    const views = inputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
    compute(views, outs.map((out) => wasm.typedArrayFromHeap(out) as Float32Array));
  } catch (error) {
    for (const out of outs) wasm.disposeData(out.dataId);
    throw error;
  }
  return outs;
}

/** Runs `fallback` for a case the native kernel does not handle (`what` names the case). */
export function delegate(fallback: KernelFunc | undefined, args: Parameters<KernelFunc>[0], what: string): ReturnType<KernelFunc> {
  if (fallback === undefined) throw new Error(`native kernels: no other kernel to run ${what}`);
  return fallback(args);
}

/** A float32 elementwise kernel y = f(x) computed by `apply` (other dtypes go to `fallback`). */
export function unaryKernel(name: string, apply: (x: Float32Array, y: Float32Array) => void, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return delegate(fallback, args, `a non-float32 ${name}`);
    return computeInPlace(args.backend, [x], x.shape, ([xs], y) => apply(xs, y));
  };
}
