/**
 * Kernels built from fast forward kernels, for backends that lack them (wasm has no conv filter
 * or depthwise gradients) or whose own are slow (wasm's Conv2DBackpropInput is a naive loop,
 * its Sum/Mean over leading axes transpose first, its BatchMatMul with transpose flags crawls,
 * its Identity copies).
 * Registered once per backend name.
 */
import { createRequire } from 'node:module';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { conv2dGradientKernels } from './conv2d-grad.ts';
import { depthwiseGradientKernels } from './depthwise-grad.ts';
import { reductionKernels } from './reductions.ts';
import { batchMatMulKernel } from './batch-matmul.ts';
import { sharingIdentityKernel } from './identity.ts';
import { registerFastBatchNormGradient } from './batch-norm-grad.ts';
import { registerNativeKernels } from './native-register.ts';
import { registerActivationGradients } from './native-activations.ts';

/** Backends whose own versions of these kernels are slower than ours. */
const REPLACED: Record<string, string[]> = { wasm: ['Conv2DBackpropInput', 'Sum', 'Mean', 'BatchMatMul', 'Identity'] };

const registered = new Set<string>();

/**
 * tfjs-core's main (CommonJS) bundle ships no gradient configs; its ESM build registers them
 * as a side effect, into the same global registry. Loaded through require (tsx transpiles it)
 * because Node's ESM loader rejects that build's directory imports.
 */
function registerCoreGradients(): void {
  createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  registerFastBatchNormGradient();
  registerActivationGradients();
}

function kernelsFor(backendName: string): { kernelName: string; kernelFunc: KernelFunc }[] {
  const kernels: { kernelName: string; kernelFunc: KernelFunc }[] = [
    ...conv2dGradientKernels(backendName),
    ...depthwiseGradientKernels(backendName),
  ] as { kernelName: string; kernelFunc: KernelFunc }[];
  const sum = getKernel('Sum', backendName);
  const mean = getKernel('Mean', backendName);
  if (sum !== undefined && mean !== undefined) {
    kernels.push(...reductionKernels(backendName, { Sum: sum as KernelConfig, Mean: mean as KernelConfig }));
  }
  const matMul = getKernel('BatchMatMul', backendName);
  if (matMul !== undefined) kernels.push({ kernelName: 'BatchMatMul', kernelFunc: batchMatMulKernel(matMul.kernelFunc, backendName) });
  const identity = getKernel('Identity', backendName);
  if (identity !== undefined && backendName === 'wasm') kernels.push({ kernelName: 'Identity', kernelFunc: sharingIdentityKernel(identity.kernelFunc) });
  return kernels;
}

/**
 * Registers tfjs-core's gradients (with a faster BatchNorm gradient) and, for `backendName`, the
 * kernels it lacks plus the ones it has that ours beat. Idempotent.
 */
export function registerFastGradients(backendName = 'wasm'): void {
  registerCoreGradients();
  if (registered.has(backendName)) return;
  for (const kernel of kernelsFor(backendName)) {
    const existing = getKernel(kernel.kernelName, backendName);
    if (existing !== undefined) {
      if (!(REPLACED[backendName] ?? []).includes(kernel.kernelName)) continue;
      unregisterKernel(kernel.kernelName, backendName);
    }
    // The replaced kernel's setup still runs on each backend instance: ours may call into it.
    registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc: kernel.kernelFunc, setupFunc: existing?.setupFunc });
  }
  // Native kernels (when the addon is built) over the ones above, which stay as fallbacks.
  registerNativeKernels(backendName);
  registered.add(backendName);
}
