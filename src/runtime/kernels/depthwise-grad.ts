/**
 * Depthwise convolution gradients for backends that lack them (wasm has neither). The input
 * gradient is a depthwise convolution of the spread output gradient with the flipped filter;
 * the filter gradient a loop (see below).
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelOps, type Pair } from './kernel-ops.ts';
import { convGeometry, spreadForInputGradient } from './conv2d-grad.ts';

type Shape4 = [number, number, number, number];

interface DepthwiseAttrs {
  strides: Pair;
  dilations: Pair | number;
  pad: backend_util.ExplicitPadding | 'same' | 'valid';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function depthwiseInfo(xShape: Shape4, filterShape: Shape4, a: DepthwiseAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(xShape, filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
}

function depthwiseBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: KernelBackend; attrs: NamedAttrMap }, backendName: string): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: Shape4 };
  const [kh, kw, channels, multiplier] = filter.shape;
  const info = depthwiseInfo(attrs.inputShape, filter.shape as Shape4, attrs);
  const g = convGeometry(info);
  const ops = new KernelOps(args.backend, backendName);
  const { input, pad } = spreadForInputGradient(ops, dy, g);
  // Each of the channels*multiplier output channels flows back through its own flipped tap set.
  const flipped = ops.reshape(ops.reverse(filter, [0, 1]), [kh, kw, channels * multiplier, 1]);
  const perOutput = ops.depthwiseConv2d(input, flipped, [1, 1], pad, g.dilations);
  if (multiplier === 1) return ops.finish(perOutput);
  const [n, h, w] = perOutput.shape;
  return ops.finish(ops.sum(ops.reshape(perOutput, [n, h, w, channels, multiplier]), [4]));
}

/**
 * dW[i, j, c, m] = sum over (n, y, x) of x[n, y*s + i*d - pad, x*s + j*d - pad, c] * dy[n, y, x, c*M + m].
 * A plain loop over the backend's own data: per tap it is a product summed over batch and
 * space, which as kernels needs a strided slice and a reduction over a leading axis per tap
 * (53% of a ShuffleNetV2 step on wasm); the loop reads each input row once per tap, in place,
 * and skips the taps that fall into the padding.
 */
function depthwiseBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: KernelBackend; attrs: NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: Shape4 };
  const [kh, kw, channels, multiplier] = attrs.filterShape;
  const g = convGeometry(depthwiseInfo(x.shape as Shape4, attrs.filterShape, attrs));
  const xs = args.backend.readSync(x.dataId) as Float32Array;
  const dys = args.backend.readSync(dy.dataId) as Float32Array;
  const grad = new Float32Array(kh * kw * channels * multiplier);
  const [batch, inH, inW] = x.shape;
  const [outH, outW] = g.outSize;
  const outChannels = channels * multiplier;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyRow = ((n * outH + oy) * outW + ox) * outChannels;
        for (let i = 0; i < kh; i++) {
          const iy = oy * g.strides[0] + i * g.dilations[0] - g.padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * g.strides[1] + j * g.dilations[1] - g.padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xRow = ((n * inH + iy) * inW + ix) * channels;
            const tap = (i * kw + j) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < channels; c++) grad[tap + c] += xs[xRow + c] * dys[dyRow + c];
            } else {
              for (let c = 0; c < channels; c++) {
                const value = xs[xRow + c];
                for (let m = 0; m < multiplier; m++) grad[tap + c * multiplier + m] += value * dys[dyRow + c * multiplier + m];
              }
            }
          }
        }
      }
    }
  }
  const shape = [kh, kw, channels, multiplier];
  return { dataId: args.backend.write(grad, shape, 'float32'), shape, dtype: 'float32' };
}

export function depthwiseGradientKernels(backendName: string) {
  return [
    { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: (a: never) => depthwiseBackpropInput(a, backendName) },
    { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: (a: never) => depthwiseBackpropFilter(a) },
  ];
}
