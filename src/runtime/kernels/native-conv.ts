/**
 * Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter for the wasm backend, computed by the
 * native addon (native-addon.ts) in place on the wasm heap: the operands are read where the
 * backend keeps them and the result is written into a tensor the backend allocated. The models
 * call tf.conv2d only (no FusedConv2D), so these three are every convolution of a training step.
 * Cases they do not handle (NCHW, non-float32) go to the kernel registered before them.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native-heap.ts';

type Shape4 = [number, number, number, number];
type Padding = backend_util.ExplicitPadding | 'same' | 'valid' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Padding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
}

/** The addon's ConvShape (native/src/conv.h), field by field. */
export function convShape(info: backend_util.Conv2DInfo): Int32Array {
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left,
  );
}

/** What one native call needs: its two operands, the geometry and the result's shape. */
interface NativeCall {
  operands: [TensorInfo, TensorInfo];
  info: backend_util.Conv2DInfo;
  outShape: number[];
}

type Planner = (inputs: Record<string, TensorInfo>, attrs: NamedAttrMap) => NativeCall;
type Compute = (addon: NativeAddon, a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array) => void;

function nativeKernel(addon: NativeAddon, plan: Planner, compute: Compute, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const inputs = args.inputs as Record<string, TensorInfo>;
    const attrs = args.attrs ?? {};
    const nhwcFloat = ((attrs as unknown as ConvAttrs).dataFormat ?? 'NHWC') === 'NHWC' && Object.values(inputs).every((t) => t.dtype === 'float32');
    if (!nhwcFloat) return delegate(fallback, args, 'NCHW or non-float32 convolutions');
    const call = plan(inputs, attrs);
    return computeInPlace(args.backend, call.operands, call.outShape, ([a, b], out) => compute(addon, a, b, out, convShape(call.info)));
  };
}

const planners: Record<string, Planner> = {
  Conv2D: (inputs, attrs) => {
    const { x, filter } = inputs;
    const a = attrs as unknown as ConvAttrs & { dilations: number | [number, number] };
    const info = backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, a.strides, a.dilations, a.pad, a.dimRoundingMode);
    return { operands: [x, filter], info, outShape: info.outShape };
  },
  Conv2DBackpropInput: (inputs, attrs) => {
    const { dy, filter } = inputs;
    const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    const info = backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode);
    return { operands: [dy, filter], info, outShape: info.inShape };
  },
  Conv2DBackpropFilter: (inputs, attrs) => {
    const { x, dy } = inputs;
    const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    const info = backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
    return { operands: [x, dy], info, outShape: a.filterShape };
  },
};

const computes: Record<string, Compute> = {
  Conv2D: (addon, x, filter, y, shape) => addon.conv2d(x, filter, y, shape),
  Conv2DBackpropInput: (addon, dy, filter, dx, shape) => addon.conv2dBackpropInput(dy, filter, dx, shape),
  Conv2DBackpropFilter: (addon, x, dy, dfilter, shape) => addon.conv2dBackpropFilter(x, dy, dfilter, shape),
};

export function nativeConvKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return Object.fromEntries(Object.keys(planners).map((name) => [
    name, (fallback: KernelFunc | undefined) => nativeKernel(addon, planners[name], computes[name], fallback),
  ]));
}
