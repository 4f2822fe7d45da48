/**
 * The ReLU gradient as one native pass (tfjs-core's is Step, Cast and Multiply: three full-size
 * passes, two of them single-threaded wasm kernels). Its gradient config, registered for every
 * backend, uses the kernel where it is registered and tfjs-core's formula elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native_addon.ts';
import { computeInPlace, delegate, type NativeKernelFactory } from './native_heap.ts';

/** Inputs { dy, x }; output dx = dy where x > 0, else 0. */
export const RELU_GRAD = 'RekdReluGrad';

function reluGrad(addon: NativeAddon, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, x } = args.inputs as Record<string, TensorInfo>;
    if (dy.dtype !== 'float32' || x.dtype !== 'float32') return delegate(fallback, args, 'a non-float32 ReLU gradient');
    return computeInPlace(args.backend, [dy, x], x.shape, ([grad, xs], dx) => addon.reluBackprop(grad, xs, dx));
  };
}

export function nativeReluKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return { [RELU_GRAD]: (fallback) => reluGrad(addon, fallback) };
}

export function registerReluGradient(): void {
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      return {
        x: () => (x.dtype === 'float32' && tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined
          ? tf.engine().runKernel(RELU_GRAD, { dy: grad, x }) as tf.Tensor
          : tf.mul(grad, tf.cast(tf.step(x), 'float32'))),
      };
    },
  });
}
