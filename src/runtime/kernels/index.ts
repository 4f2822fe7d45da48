/**
 * Gradient kernels built from fast forward kernels, for backends that lack them or whose own
 * are slow (wasm: see conv2d_grad.ts). Registered once per backend name.
 */
import { createRequire } from 'node:module';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { conv2dGradientKernels } from './conv2d_grad.ts';
import { depthwiseGradientKernels } from './depthwise_grad.ts';

/** Kernels a backend has but that are slower than ours (wasm's is a naive loop: ~10x slower). */
const REPLACED: Record<string, string[]> = { wasm: ['Conv2DBackpropInput'] };

const registered = new Set<string>();

/**
 * tfjs-core's main (CommonJS) bundle ships no gradient configs; its ESM build registers them
 * as a side effect, into the same global registry. Loaded through require (tsx transpiles it)
 * because Node's ESM loader rejects that build's directory imports.
 */
function registerCoreGradients(): void {
  createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}

/**
 * Registers tfjs-core's gradients and, for `backendName`, the gradient kernels it lacks (plus
 * the ones it has that ours beat). Idempotent.
 */
export function registerFastGradients(backendName = 'wasm'): void {
  registerCoreGradients();
  if (registered.has(backendName)) return;
  for (const kernel of [...conv2dGradientKernels(backendName), ...depthwiseGradientKernels(backendName)]) {
    if (getKernel(kernel.kernelName, backendName) !== undefined) {
      if (!(REPLACED[backendName] ?? []).includes(kernel.kernelName)) continue;
      unregisterKernel(kernel.kernelName, backendName);
    }
    registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc: kernel.kernelFunc as KernelFunc });
  }
  registered.add(backendName);
}
