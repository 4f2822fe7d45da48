/**
 * Gradient kernels built from fast forward kernels, for backends that lack them or whose own
 * are slow (wasm: see conv2d_grad.ts). Registered once per backend name.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { conv2dGradientKernels } from './conv2d_grad.ts';
import { depthwiseGradientKernels } from './depthwise_grad.ts';

/** Backends whose own gradient kernels are missing or slower than these. */
const TARGET_BACKENDS = ['wasm'];

const registered = new Set<string>();

/** Registers the fast gradient kernels for `backendName` (default: every target backend). Idempotent. */
export function registerFastGradients(backendName?: string): void {
  for (const name of backendName === undefined ? TARGET_BACKENDS : [backendName]) {
    if (registered.has(name)) continue;
    for (const kernel of [...conv2dGradientKernels(name), ...depthwiseGradientKernels(name)]) {
      if (getKernel(kernel.kernelName, name) !== undefined) unregisterKernel(kernel.kernelName, name);
      registerKernel({ kernelName: kernel.kernelName, backendName: name, kernelFunc: kernel.kernelFunc as KernelFunc });
    }
    registered.add(name);
  }
}
