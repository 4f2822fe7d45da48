/**
 * Puts the native kernels (when the addon is loaded) over the wasm backend's kernels of the same
 * names, which stay as their fallbacks.
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { nativeAddon } from './native-addon.ts';
import { nativeBatchNormKernels } from './native-batch-norm.ts';
import { nativeConvKernels } from './native-conv.ts';
import { nativeDepthwiseKernels } from './native-depthwise.ts';
import { nativeElementwiseKernels } from './native-elementwise.ts';
import { nativeMatMulKernels } from './native-matmul.ts';
import { nativePoolKernels } from './native-pool.ts';
import { nativeActivationKernels } from './native-activations.ts';
import { nativeLayoutKernels } from './native-layout.ts';
import { nativeLinearCombinationKernels } from './linear-combination.ts';
import { nativeReductionKernels } from './native-reduce.ts';

/** Registers the native kernels for `backendName` (wasm only: they read its heap); whether it did. */
export function registerNativeKernels(backendName: string): boolean {
  const addon = nativeAddon();
  if (addon === null || backendName !== 'wasm') return false;
  const kernels = {
    ...nativeConvKernels(addon), ...nativeDepthwiseKernels(addon), ...nativeReductionKernels(addon), ...nativePoolKernels(addon), ...nativeElementwiseKernels(addon),
    ...nativeMatMulKernels(addon), ...nativeBatchNormKernels(addon), ...nativeActivationKernels(addon), ...nativeLayoutKernels(addon),
    ...nativeLinearCombinationKernels(addon),
  };
  for (const [kernelName, make] of Object.entries(kernels)) {
    const existing = getKernel(kernelName, backendName);
    if (existing !== undefined) unregisterKernel(kernelName, backendName);
    // The replaced kernel's setup still runs on each backend instance: its fallback may need it.
    registerKernel({ kernelName, backendName, kernelFunc: make(existing?.kernelFunc), setupFunc: existing?.setupFunc });
  }
  return true;
}
