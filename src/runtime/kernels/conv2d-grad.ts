/**
 * Conv2D input and filter gradients expressed as forward convolutions, so they run on the
 * backend's fast (XNNPACK) Conv2D instead of a naive loop (wasm's Conv2DBackpropInput runs at
 * about 1.5 GFLOP/s against 15 for the forward kernel) or a missing kernel (wasm has no
 * Conv2DBackpropFilter at all).
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelOps, type Pair } from './kernel-ops.ts';

type Shape4 = [number, number, number, number];

export interface ConvGeometry {
  strides: Pair;
  dilations: Pair;
  /** Effective (dilated) filter extent. */
  extent: Pair;
  padTop: number;
  padLeft: number;
  inSize: Pair;
  outSize: Pair;
}

export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry {
  return {
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    extent: [info.effectiveFilterHeight, info.effectiveFilterWidth],
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    inSize: [info.inHeight, info.inWidth],
    outSize: [info.outHeight, info.outWidth],
  };
}

/**
 * The input gradient is a full correlation of the stride-dilated output gradient with the
 * flipped filter. Returns dy spread out by the strides and the explicit padding (per spatial
 * axis) that makes a stride-1 correlation land exactly on the input grid.
 */
export function spreadForInputGradient(ops: KernelOps, dy: TensorInfo, g: ConvGeometry): { input: TensorInfo; pad: Pair[] } {
  const spread = ops.dilate(ops.dilate(dy, 1, g.strides[0]), 2, g.strides[1]);
  const pad = [0, 1].map((axis): Pair => {
    const before = g.extent[axis] - 1 - (axis === 0 ? g.padTop : g.padLeft);
    const after = g.inSize[axis] + g.extent[axis] - 1 - before - spread.shape[axis + 1];
    return [before, after];
  });
  return cropNegative(ops, spread, pad);
}

/** Applies the negative parts of `pad` as crops; the positive parts are left to the convolution. */
export function cropNegative(ops: KernelOps, x: TensorInfo, pad: Pair[]): { input: TensorInfo; pad: Pair[] } {
  const crop = pad.map(([a, b]): Pair => [Math.min(a, 0), Math.min(b, 0)]);
  const input = ops.padOrCrop(x, [[0, 0], crop[0], crop[1], [0, 0]]);
  return { input, pad: pad.map(([a, b]): Pair => [Math.max(a, 0), Math.max(b, 0)]) };
}

function conv2DBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: KernelBackend; attrs: NamedAttrMap }, backendName: string): TensorInfo {
  const { dy, filter } = args.inputs;
  const { strides, pad, dimRoundingMode, inputShape } = args.attrs as unknown as {
    strides: Pair; pad: backend_util.ExplicitPadding | 'same' | 'valid'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: Shape4;
  };
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode);
  const ops = new KernelOps(args.backend, backendName);
  const { input, pad: convPad } = spreadForInputGradient(ops, dy, convGeometry(info));
  // [kh, kw, in, out] -> flipped in space, in/out swapped: [kh, kw, out, in].
  const flipped = ops.transpose(ops.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  return ops.finish(ops.conv2d(input, flipped, [1, 1], convPad));
}

/**
 * dW[i, j, c, o] = sum over (n, y, x) of xpad[n, y*s + i, x*s + j, c] * dy[n, y, x, o]: a
 * convolution whose batch is the input channel, whose channels are the images, and whose
 * filter is dy (dilated by the forward stride).
 */
function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: KernelBackend; attrs: NamedAttrMap }, backendName: string): TensorInfo {
  const { x, dy } = args.inputs;
  const { strides, pad, dimRoundingMode, filterShape } = args.attrs as unknown as {
    strides: Pair; pad: backend_util.ExplicitPadding | 'same' | 'valid'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: Shape4;
  };
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode);
  const g = convGeometry(info);
  const ops = new KernelOps(args.backend, backendName);
  const channelsAsBatch = ops.transpose(x, [3, 1, 2, 0]);
  const { input, pad: convPad } = cropNegative(ops, channelsAsBatch, filterGradientPadding(g));
  const dyAsFilter = ops.transpose(dy, [1, 2, 0, 3]);
  const grad = ops.conv2d(input, dyAsFilter, [1, 1], convPad, g.strides);
  return ops.finish(ops.transpose(grad, [1, 2, 0, 3]));
}

/** Padding of the input so that a correlation with dy dilated by the stride yields the filter extent. */
export function filterGradientPadding(g: ConvGeometry): Pair[] {
  return [0, 1].map((axis): Pair => {
    const before = axis === 0 ? g.padTop : g.padLeft;
    const needed = (g.outSize[axis] - 1) * g.strides[axis] + g.extent[axis];
    return [before, needed - before - g.inSize[axis]];
  });
}

export function conv2dGradientKernels(backendName: string) {
  return [
    { kernelName: 'Conv2DBackpropInput', kernelFunc: (a: never) => conv2DBackpropInput(a, backendName) },
    { kernelName: 'Conv2DBackpropFilter', kernelFunc: (a: never) => conv2DBackpropFilter(a, backendName) },
  ];
}
