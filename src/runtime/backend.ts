/**
 * Backend selection. `auto` prefers native TensorFlow (GPU, then CPU) when the optional
 * tfjs-node packages load, and falls back to wasm (XNNPACK), the working default here. Every
 * chosen backend gets the fast gradient kernels it lacks (kernels/index.ts).
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { registerFastGradients } from './kernels/index.ts';
import { nativeAddon, nativeStatus } from './kernels/native-addon.ts';
import { useThreadedWasm } from './wasm-threads.ts';

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';
type NamedBackend = Exclude<BackendChoice, 'auto'>;

export const backendChoices: readonly BackendChoice[] = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];

export interface BackendInfo {
  name: NamedBackend;
  /** Version of the package that provides the backend. */
  version: string;
  threads: number;
  /** wasm only: whether the native convolution kernels run, or why not. */
  kernels?: string;
  /**
   * Which code runs the heavy kernels: the native kernels' instruction set (`avx512`, `avx2`),
   * `wasm` (XNNPACK) without them, else the backend's name.
   */
  kernelPath: string;
}

export class BackendError extends Error {}

export interface InitBackendOptions {
  /** Receives the one-line description of the chosen backend (default: stderr). */
  log?: (line: string) => void;
  /**
   * wasm only: the threads of the native kernels (their persistent pool), default `defaultThreads()`.
   * Without the native kernels, a count above 1 given here loads tfjs's multi-threaded build (see
   * wasm-threads.ts), which replaces any wasm backend already in use, with its tensors.
   */
  threads?: number;
}

/**
 * The kernels' thread count when none is given: REKD_THREADS (what `rekdc run --threads` and a
 * grid's share of the cores set), else every core this process may use.
 */
export function defaultThreads(): number {
  const fromEnvironment = process.env.REKD_THREADS;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    const n = Number(fromEnvironment);
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new BackendError(`REKD_THREADS must be an integer from 1 to 256, got '${fromEnvironment}'`);
    return n;
  }
  return availableParallelism();
}

interface BackendPackage {
  specifier: string;
  install: string;
}

const packages: Record<NamedBackend, BackendPackage> = {
  'tensorflow-gpu': {
    specifier: '@tensorflow/tfjs-node-gpu',
    install: 'install it with `npm install @tensorflow/tfjs-node-gpu` (needs CUDA, cuDNN and a libtensorflow download)',
  },
  tensorflow: {
    specifier: '@tensorflow/tfjs-node',
    install: 'install it with `npm install @tensorflow/tfjs-node` (needs a libtensorflow download)',
  },
  wasm: { specifier: '@tensorflow/tfjs-backend-wasm', install: 'reinstall dependencies with `npm install`' },
  cpu: { specifier: '@tensorflow/tfjs-backend-cpu', install: 'reinstall dependencies with `npm install`' },
};

/** The module, or the reason it could not be loaded. */
async function load(name: NamedBackend): Promise<{ module: Record<string, unknown> } | { error: string }> {
  try {
    return { module: (await import(packages[name].specifier)) as Record<string, unknown> };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { error: message };
  }
}

/** tfjs-node registers its backend under the name `tensorflow` for both packages. */
function registeredName(name: NamedBackend): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function versionOf(name: NamedBackend, module: Record<string, unknown>): string {
  const own = name === 'wasm' ? module.version_wasm : name === 'cpu' ? module.version_cpu : module.version;
  if (typeof own === 'string') return own;
  // tfjs-node exports `version` as an object of versions ({ 'tfjs-node': ... }).
  if (own !== null && typeof own === 'object') {
    const values = Object.values(own as Record<string, unknown>).filter((v) => typeof v === 'string');
    if (values.length > 0) return values[0] as string;
  }
  return tf.version_core;
}

function threadsOf(name: NamedBackend, module: Record<string, unknown>, nativeThreads: number | undefined): number {
  if (nativeThreads !== undefined) return nativeThreads;
  if (name === 'wasm' && typeof module.getThreadsCount === 'function') return (module.getThreadsCount as () => number)();
  // TensorFlow's own pools use every core; the pure-JS cpu backend runs on the main thread.
  return name === 'cpu' ? 1 : availableParallelism();
}

export function describeBackend(info: BackendInfo): string {
  const kernels = info.kernels === undefined ? '' : `, ${info.kernels}`;
  return `backend ${info.name} ${info.version}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${kernels}`;
}

let initialised: BackendInfo | undefined;

/**
 * The backend this process computes with, as initBackend chose it; a backend set otherwise (tests
 * calling tf.setBackend) is described by its name alone.
 */
export function currentBackend(): Pick<BackendInfo, 'name' | 'kernelPath'> & Partial<BackendInfo> {
  const name = tf.getBackend();
  if (initialised && registeredName(initialised.name) === name) return initialised;
  return { name: name as NamedBackend, kernelPath: name };
}

export async function initBackend(choice: BackendChoice = 'auto', options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (!backendChoices.includes(choice)) {
    throw new BackendError(`unknown backend '${choice}': expected one of ${backendChoices.join(', ')}`);
  }
  const order: NamedBackend[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm'] : [choice];
  const failures: string[] = [];
  for (const name of order) {
    const loaded = await load(name);
    if ('error' in loaded) {
      failures.push(`${name}: ${packages[name].specifier} could not be loaded (${loaded.error}); ${packages[name].install}`);
      continue;
    }
    const native = name === 'wasm' ? nativeAddon() : null;
    if (name === 'wasm' && native === null && (options.threads ?? 1) > 1) await useThreadedWasm(options.threads ?? 1);
    if (!(await tf.setBackend(registeredName(name)))) {
      failures.push(`${name}: the backend failed to initialise`);
      continue;
    }
    await tf.ready();
    registerFastGradients(registeredName(name));
    const nativeThreads = native?.setThreads(options.threads ?? defaultThreads());
    const info: BackendInfo = {
      name, version: versionOf(name, loaded.module), threads: threadsOf(name, loaded.module, nativeThreads),
      ...(name === 'wasm' ? { kernels: nativeStatus() } : {}),
      kernelPath: name === 'wasm' ? native?.cpuPath() ?? 'wasm' : name,
    };
    initialised = info;
    (options.log ?? ((line: string) => console.error(line)))(describeBackend(info));
    return info;
  }
  throw new BackendError(`backend '${choice}' is not available:\n  ${failures.join('\n  ')}`);
}
