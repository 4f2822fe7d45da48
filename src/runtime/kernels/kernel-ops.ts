/**
 * Composes a new backend kernel out of the backend's own registered kernels, without going
 * through the engine: no tape, no tensor tracking, so intermediates cost nothing but their
 * memory. Every intermediate is freed by `finish`, which keeps only the result.
 */
import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

export type Pair = [number, number];

export class KernelOps {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(`kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    }
    const out = kernel.kernelFunc({ inputs: inputs as Record<string, TensorInfo>, attrs, backend: this.backend }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** Frees every intermediate except `result`, which the caller hands back to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    return result;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /**
   * Pads (positive amounts) or crops (negative amounts) each axis, so callers can ask for the
   * exact extent they need without case analysis.
   */
  padOrCrop(x: TensorInfo, amounts: Pair[]): TensorInfo {
    let out = x;
    if (amounts.some(([a, b]) => a > 0 || b > 0)) {
      const paddings = amounts.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)]);
      out = this.run('PadV2', { x: out }, { paddings, constantValue: 0 });
    }
    if (amounts.some(([a, b]) => a < 0 || b < 0)) {
      const begin = amounts.map(([a]) => Math.max(-a, 0));
      const size = out.shape.map((n, i) => n - begin[i] - Math.max(-amounts[i][1], 0));
      out = this.slice(out, begin, size);
    }
    return out;
  }

  /** [..., n] -> [..., (n - 1) * factor + 1]: `factor - 1` zeros between neighbours on `axis`. */
  dilate(x: TensorInfo, axis: number, factor: number): TensorInfo {
    if (factor === 1) return x;
    const shape = x.shape;
    const n = shape[axis];
    const split = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
    const spread = this.padOrCrop(
      this.reshape(x, split),
      split.map((_, i): Pair => (i === axis + 1 ? [0, factor - 1] : [0, 0])),
    );
    const merged = this.reshape(spread, [...shape.slice(0, axis), n * factor, ...shape.slice(axis + 1)]);
    return this.padOrCrop(merged, shape.map((_, i): Pair => (i === axis ? [0, 1 - factor] : [0, 0])));
  }

  conv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pad: Pair[], dilations: Pair = [1, 1]): TensorInfo {
    return this.run('Conv2D', { x, filter }, convAttrs(strides, pad, dilations));
  }

  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, strides: Pair, pad: Pair[], dilations: Pair = [1, 1]): TensorInfo {
    return this.run('DepthwiseConv2dNative', { x, filter }, convAttrs(strides, pad, dilations));
  }

  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }

  multiply(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run('Multiply', { a, b });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }
}

function convAttrs(strides: Pair, pad: Pair[], dilations: Pair): NamedAttrMap {
  return {
    strides,
    pad: [[0, 0], pad[0], pad[1], [0, 0]],
    dilations,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined as unknown as string,
  } as unknown as NamedAttrMap;
}
