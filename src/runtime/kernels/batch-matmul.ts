/**
 * BatchMatMul with its transpose flags applied as explicit Transpose kernels. wasm's kernel with
 * a flag set runs about 10x slower than transposing first and multiplying plainly, and tfjs's own
 * matMul gradient sets them: the weight gradient of a projection head's 1024 x 2048 layer took
 * 1.2 s of a 4.8 s ShuffleNetV2 step. Empty operands (an empty MoCo queue) give zeros: XNNPACK
 * rejects them.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelOps } from './kernel-ops.ts';

function swapLastTwo(ops: KernelOps, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return ops.transpose(x, perm);
}

export function batchMatMulKernel(original: KernelFunc, backendName: string): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args as { inputs: { a: TensorInfo; b: TensorInfo }; attrs: NamedAttrMap; backend: KernelBackend };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const ops = new KernelOps(backend, backendName);
    const a = transposeA ? swapLastTwo(ops, inputs.a) : inputs.a;
    const b = transposeB ? swapLastTwo(ops, inputs.b) : inputs.b;
    if (a.shape.reduce((p, n) => p * n, 1) === 0 || b.shape.reduce((p, n) => p * n, 1) === 0) {
      const batch = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const shape = [...batch, a.shape[a.shape.length - 2], b.shape[b.shape.length - 1]];
      return ops.finish(ops.run('Fill', {}, { shape, value: 0, dtype: 'float32' }));
    }
    if (!transposeA && !transposeB) return original(args);
    const product = original({ inputs: { a, b }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend }) as TensorInfo;
    return ops.finish(product);
  };
}
