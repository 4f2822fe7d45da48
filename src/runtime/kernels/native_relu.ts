/**
 * ReLU and its gradient as native passes on the pool's threads (wasm's Relu is single-threaded;
 * tfjs-core's gradient is Step, Cast and Multiply: three full-size passes). The gradient config,
 * registered for every backend, uses the kernel where it is registered and tfjs-core's formula
 * elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native_addon.ts';
import { computeInPlace, delegate, unaryKernel, type NativeKernelFactory } from './native_heap.ts';

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
  return {
    Relu: (fallback) => unaryKernel('ReLU', (x, y) => addon.relu(x, y), fallback),
    [RELU_GRAD]: (fallback) => reluGrad(addon, fallback),
  };
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
