/**
 * Backend selection. `auto` prefers native TensorFlow (GPU, then CPU) when the optional
 * tfjs-node packages load, and falls back to wasm (XNNPACK), the working default here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerFastGradients } from './kernels/index.ts';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';

export interface BackendInfo {
  name: string;
  version: string;
  threads: number;
}

export class BackendError extends Error {}

async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

async function loadNamed(name: Exclude<BackendChoice, 'auto'>): Promise<boolean> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryImport('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return tryImport('@tensorflow/tfjs-node');
    case 'wasm':
      return tryImport('@tensorflow/tfjs-backend-wasm');
    case 'cpu':
      return tryImport('@tensorflow/tfjs-backend-cpu');
  }
}

const installHint: Record<Exclude<BackendChoice, 'auto'>, string> = {
  'tensorflow-gpu': 'install it with `npm install @tensorflow/tfjs-node-gpu` (needs CUDA and a libtensorflow download)',
  tensorflow: 'install it with `npm install @tensorflow/tfjs-node` (needs a libtensorflow download)',
  wasm: 'reinstall dependencies with `npm install`',
  cpu: 'reinstall dependencies with `npm install`',
};

/** tfjs-node registers its backend under the name `tensorflow` for both packages. */
function registeredName(choice: Exclude<BackendChoice, 'auto'>): string {
  return choice === 'tensorflow-gpu' ? 'tensorflow' : choice;
}

export async function initBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  const order: Exclude<BackendChoice, 'auto'>[] =
    choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm'] : [choice];
  for (const name of order) {
    if (!(await loadNamed(name))) continue;
    if (await tf.setBackend(registeredName(name))) {
      await tf.ready();
      registerFastGradients(registeredName(name));
      return { name, version: tf.version_core, threads: await threadCount(name) };
    }
  }
  const name = order[order.length - 1];
  throw new BackendError(`backend '${choice}' could not be loaded: ${installHint[name]}`);
}

async function threadCount(name: string): Promise<number> {
  if (name !== 'wasm') return 1;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}
