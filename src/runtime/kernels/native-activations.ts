/**
 * Activations and their gradients as native passes on the pool's threads, where tfjs runs several
 * single-threaded wasm kernels:
 * - ReLU (wasm's Relu is single-threaded; tfjs-core's gradient is Step, Cast and Multiply);
 * - ReLU6 (MobileNets; tfjs-core's gradient is LessEqual, Step, Cast and two Multiplies);
 * - swish x·sigmoid(x) (EfficientNet): as tf ops Sigmoid and Multiply forward, five full-size
 *   kernels backward; here one each way (`swish`);
 * - hard swish x·relu6(x + 3) / 6 (MobileNetV3), likewise (`hardSwish`).
 * The gradient configs, registered for every backend, use the native kernels where they are
 * registered and tf ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './native-addon.ts';
import { computeInPlace, delegate, unaryKernel, type NativeKernelFactory } from './native-heap.ts';

/** Inputs { dy, x }; output dx = dy where x > 0, else 0. */
export const RELU_GRAD = 'RekdReluGrad';
/** Inputs { dy, x }; output dx = dy where 0 < x <= 6, else 0. */
export const RELU6_GRAD = 'RekdRelu6Grad';
/** Input { x }; output x·sigmoid(x). */
export const SWISH = 'RekdSwish';
/** Inputs { dy, x }; output dy·(s + x·s·(1 - s)), s = sigmoid(x). */
export const SWISH_GRAD = 'RekdSwishGrad';
/** Input { x }; output x·relu6(x + 3) / 6. */
export const HARD_SWISH = 'RekdHardSwish';
/** Inputs { dy, x }; output dy·(0 for x <= -3, (2x + 3) / 6 up to 3, 1 above). */
export const HARD_SWISH_GRAD = 'RekdHardSwishGrad';

type GradientMethod = 'reluBackprop' | 'relu6Backprop' | 'swishBackprop' | 'hardSwishBackprop';

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
    Relu6: (fallback) => unaryKernel('ReLU6', (x, y) => addon.relu6(x, y), fallback),
    [RELU6_GRAD]: (fallback) => gradientKernel(addon, 'relu6Backprop', fallback),
    [SWISH]: (fallback) => unaryKernel('swish', (x, y) => addon.swish(x, y), fallback),
    [SWISH_GRAD]: (fallback) => gradientKernel(addon, 'swishBackprop', fallback),
    [HARD_SWISH]: (fallback) => unaryKernel('hard swish', (x, y) => addon.hardSwish(x, y), fallback),
    [HARD_SWISH_GRAD]: (fallback) => gradientKernel(addon, 'hardSwishBackprop', fallback),
  };
}

const registeredHere = (kernel: string, x: tf.Tensor) => x.dtype === 'float32' && tf.getKernel(kernel, tf.getBackend()) !== undefined;

/** x·sigmoid(x): one native kernel each way where registered, tf ops elsewhere. */
export function swish<T extends tf.Tensor>(x: T): T {
  return registeredHere(SWISH, x) ? tf.engine().runKernel(SWISH, { x }) as T : tf.mul(x, tf.sigmoid(x));
}

/** x·relu6(x + 3) / 6: one native kernel each way where registered, tf ops elsewhere. */
export function hardSwish<T extends tf.Tensor>(x: T): T {
  return registeredHere(HARD_SWISH, x)
    ? tf.engine().runKernel(HARD_SWISH, { x }) as T
    : tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
}

/**
 * The gradient of the elementwise op `kernelName` of x: the native `gradient` kernel { dy, x } where
 * it is registered, else `composed` (tf ops; absent for our own ops, which only run where their
 * gradient kernels are registered too).
 */
function registerElementwiseGradient(kernelName: string, gradient: string, composed?: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): void {
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => (composed === undefined || registeredHere(gradient, x)
        ? tf.engine().runKernel(gradient, { dy: dy as tf.Tensor, x }) as tf.Tensor
        : composed(dy as tf.Tensor, x)),
    }),
  });
}

export function registerActivationGradients(): void {
  registerElementwiseGradient('Relu', RELU_GRAD, (dy, x) => tf.mul(dy, tf.cast(tf.step(x), 'float32')));
  registerElementwiseGradient('Relu6', RELU6_GRAD, (dy, x) => tf.mul(tf.mul(dy, tf.cast(tf.lessEqual(x, 6), 'float32')), tf.step(x)));
  registerElementwiseGradient(SWISH, SWISH_GRAD);
  registerElementwiseGradient(HARD_SWISH, HARD_SWISH_GRAD);
}
