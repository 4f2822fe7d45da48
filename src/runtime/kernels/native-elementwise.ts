/**
 * Add, Sub and Multiply of float32 tensors where one operand is full size and the other repeats
 * along its leading axes (same shape, per channel, scalar), natively: wasm's broadcasting
 * versions ran at about 0.4 G elements/s, and BatchNorm and residual connections make a dozen
 * such full-size passes per layer. Other cases go to the kernels they replace.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeInPlace, delegate, unaryKernel, type NativeKernelFactory } from './native-heap.ts';

/** Operation codes of the addon's binaryRepeat. */
const OPS = { Add: 0, Sub: 1, Multiply: 2 } as const;

/** Whether `small`, without its leading 1s, is the trailing part of `full`'s shape. */
function repeatsAlong(small: number[], full: number[]): boolean {
  const first = small.findIndex((d) => d !== 1);
  const trimmed = first === -1 ? [] : small.slice(first);
  const offset = full.length - trimmed.length;
  return offset >= 0 && trimmed.every((d, i) => d === full[offset + i]);
}

function binary(addon: NativeAddon, op: number, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const isOut = (t: TensorInfo) => util.arraysEqual(t.shape, outShape);
    const aFull = isOut(a) && repeatsAlong(b.shape, a.shape);
    const bFull = !aFull && isOut(b) && repeatsAlong(a.shape, b.shape);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || util.sizeFromShape(outShape) === 0 || !(aFull || bFull)) {
      return delegate(fallback, args, 'this elementwise operation');
    }
    const [full, small] = aFull ? [a, b] : [b, a];
    return computeInPlace(args.backend, [full, small], outShape, ([f, s], out) => addon.binaryRepeat(op, f, s, out, bFull));
  };
}

export function nativeElementwiseKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return {
    ...Object.fromEntries(Object.entries(OPS).map(([name, op]) => [name, (fallback: KernelFunc | undefined) => binary(addon, op, fallback)])),
    // The contrastive losses' softmax over the queue: wasm's Exp is scalar libm, about 10x slower.
    Exp: (fallback) => unaryKernel('exp', (x, y) => addon.exp(x, y), fallback),
  };
}
