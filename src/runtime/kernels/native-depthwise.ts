/**
 * DepthwiseConv2dNative and its input and filter gradients for the wasm backend, natively (most
 * of a mobilenetv3 / shufflenetv2 / efficientnet_b0 step ran in the XNNPACK forward and the
 * depthwise-grad.ts gradients). Multiplier 1 without dilation, NHWC float32, is what the models
 * use; every other case goes to the kernel registered before.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { convShape } from './native-conv.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

type Shape4 = [number, number, number, number];

interface DepthwiseAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: backend_util.ExplicitPadding | 'same' | 'valid' | number;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The operands, the geometry (with the filter shape) and the result's shape of one call. */
interface DepthwiseCall {
  operands: [TensorInfo, TensorInfo];
  xShape: Shape4;
  filterShape: Shape4;
  outShape: (info: backend_util.Conv2DInfo) => number[];
}

type Planner = (inputs: Record<string, TensorInfo>, attrs: NamedAttrMap) => DepthwiseCall;
type Compute = (addon: NativeAddon, a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array) => void;

const planners: Record<string, Planner> = {
  DepthwiseConv2dNative: ({ x, filter }) => ({
    operands: [x, filter], xShape: x.shape as Shape4, filterShape: filter.shape as Shape4, outShape: (info) => info.outShape,
  }),
  DepthwiseConv2dNativeBackpropInput: ({ dy, filter }, attrs) => ({
    operands: [dy, filter], xShape: (attrs as unknown as { inputShape: Shape4 }).inputShape, filterShape: filter.shape as Shape4,
    outShape: (info) => info.inShape,
  }),
  DepthwiseConv2dNativeBackpropFilter: ({ x, dy }, attrs) => {
    const filterShape = (attrs as unknown as { filterShape: Shape4 }).filterShape;
    return { operands: [x, dy], xShape: x.shape as Shape4, filterShape, outShape: () => filterShape };
  },
};

const computes: Record<string, Compute> = {
  DepthwiseConv2dNative: (addon, x, filter, y, shape) => addon.depthwiseConv2d(x, filter, y, shape),
  DepthwiseConv2dNativeBackpropInput: (addon, dy, filter, dx, shape) => addon.depthwiseConv2dBackpropInput(dy, filter, dx, shape),
  DepthwiseConv2dNativeBackpropFilter: (addon, x, dy, dfilter, shape) => addon.depthwiseConv2dBackpropFilter(x, dy, dfilter, shape),
};

function nativeKernel(addon: NativeAddon, plan: Planner, compute: Compute, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const inputs = args.inputs as Record<string, TensorInfo>;
    const a = (args.attrs ?? {}) as unknown as DepthwiseAttrs;
    const call = plan(inputs, args.attrs ?? {});
    const nhwcFloat = (a.dataFormat ?? 'NHWC') === 'NHWC' && call.operands.every((t) => t.dtype === 'float32');
    if (!nhwcFloat || call.filterShape[3] !== 1) return delegate(fallback, args, 'NCHW, non-float32 or multiplier > 1 depthwise convolutions');
    const info = backend_util.computeConv2DInfo(call.xShape, call.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return delegate(fallback, args, 'dilated depthwise convolutions');
    return computeInPlace(args.backend, call.operands, call.outShape(info), ([first, second], out) => compute(addon, first, second, out, convShape(info)));
  };
}

export function nativeDepthwiseKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return Object.fromEntries(Object.keys(planners).map((name) => [
    name, (fallback: KernelFunc | undefined) => nativeKernel(addon, planners[name], computes[name], fallback),
  ]));
}
