/**
 * Activations and their gradients as native passes on the pool's threads, where tfjs runs several
 * single-threaded wasm kernels:
 * - ReLU (wasm's Relu is single-threaded; tfjs-core's gradient is Step, Cast and Multiply);
 * - swish x·sigmoid(x) (EfficientNet): as tf ops Sigmoid and Multiply forward, five full-size
 *   kernels backward; here one each way (`swish`).
 * The gradient configs, registered for every backend, use the native kernels where they are
 * registered and tf ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native_addon.ts';
import { computeInPlace, delegate, unaryKernel, type NativeKernelFactory } from './native_heap.ts';

/** Inputs { dy, x }; output dx = dy where x > 0, else 0. */
export const RELU_GRAD = 'RekdReluGrad';
/** Input { x }; output x·sigmoid(x). */
export const SWISH = 'RekdSwish';
/** Inputs { dy, x }; output dy·(s + x·s·(1 - s)), s = sigmoid(x). */
export const SWISH_GRAD = 'RekdSwishGrad';

type GradientMethod = 'reluBackprop' | 'swishBackprop';

/** The kernel of an elementwise gradient { dy, x } -> dx computed by `method`. */
function gradientKernel(addon: NativeAddon, method: GradientMethod, fallback: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, x } = args.inputs as Record<string, TensorInfo>;
    if (dy.dtype !== 'float32' || x.dtype !== 'float32') return delegate(fallback, args, `a non-float32 ${method}`);
    return computeInPlace(args.backend, [dy, x], x.shape, ([grad, xs], dx) => addon[method](grad, xs, dx));
  };
}

export function nativeActivationKernels(addon: NativeAddon): Record<string, NativeKernelFactory> {
  return {
    Relu: (fallback) => unaryKernel('ReLU', (x, y) => addon.relu(x, y), fallback),
    [RELU_GRAD]: (fallback) => gradientKernel(addon, 'reluBackprop', fallback),
    [SWISH]: (fallback) => unaryKernel('swish', (x, y) => addon.swish(x, y), fallback),
    [SWISH_GRAD]: (fallback) => gradientKernel(addon, 'swishBackprop', fallback),
  };
}

const registeredHere = (kernel: string, x: tf.Tensor) => x.dtype === 'float32' && tf.getKernel(kernel, tf.getBackend()) !== undefined;

/** x·sigmoid(x): one native kernel each way where registered, tf ops elsewhere. */
export function swish<T extends tf.Tensor>(x: T): T {
  return registeredHere(SWISH, x) ? tf.engine().runKernel(SWISH, { x }) as T : tf.mul(x, tf.sigmoid(x));
}

export function registerActivationGradients(): void {
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => (registeredHere(RELU_GRAD, x)
        ? tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor
        : tf.mul(dy as tf.Tensor, tf.cast(tf.step(x), 'float32'))),
    }),
  });
  tf.registerGradient({
    kernelName: SWISH,
    inputsToSave: ['x'],
    // Only runs where the forward kernel ran, i.e. where the gradient kernel is registered too.
    gradFunc: (dy, [x]) => ({ x: () => tf.engine().runKernel(SWISH_GRAD, { dy: dy as tf.Tensor, x }) as tf.Tensor }),
  });
}
