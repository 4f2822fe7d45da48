/**
 * Depthwise convolution gradients for backends that lack them (wasm has neither). The input
 * gradient is a depthwise convolution of the spread output gradient with the flipped filter;
 * the filter gradient is, per filter tap, a product of a shifted input window with dy, summed
 * over batch and space.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelOps, type Pair } from './kernel_ops.ts';
import { convGeometry, filterGradientPadding, spreadForInputGradient } from './conv2d_grad.ts';

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

function depthwiseBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: KernelBackend; attrs: NamedAttrMap }, backendName: string): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as DepthwiseAttrs & { filterShape: Shape4 };
  const [kh, kw, channels, multiplier] = attrs.filterShape;
  const info = depthwiseInfo(x.shape as Shape4, attrs.filterShape, attrs);
  const g = convGeometry(info);
  const ops = new KernelOps(args.backend, backendName);
  const [outH, outW] = g.outSize;
  const positions = x.shape[0] * outH * outW;
  // Pad so that every tap's window is in range; crop what no window reaches.
  const [padH, padW] = filterGradientPadding(g);
  const padded = ops.padOrCrop(x, [[0, 0], padH, padW, [0, 0]]);
  const dyRows = ops.reshape(dy, [positions, channels, multiplier]);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const top = i * g.dilations[0];
      const left = j * g.dilations[1];
      const window = ops.run('StridedSlice', { x: padded }, {
        begin: [0, top, left, 0],
        end: [x.shape[0], top + (outH - 1) * g.strides[0] + 1, left + (outW - 1) * g.strides[1] + 1, channels],
        strides: [1, g.strides[0], g.strides[1], 1],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      });
      const product = ops.multiply(ops.reshape(window, [positions, channels, 1]), dyRows);
      taps.push(ops.reshape(ops.sum(product, [0]), [1, channels * multiplier]));
    }
  }
  const stacked = ops.run('Concat', taps, { axis: 0 });
  return ops.finish(ops.reshape(stacked, [kh, kw, channels, multiplier]));
}

export function depthwiseGradientKernels(backendName: string) {
  return [
    { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: (a: never) => depthwiseBackpropInput(a, backendName) },
    { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: (a: never) => depthwiseBackpropFilter(a, backendName) },
  ];
}
