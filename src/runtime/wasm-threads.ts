/**
 * Multi-threaded wasm in Node. tfjs-backend-wasm ships a threaded SIMD build but never uses it in
 * Node (tfjs issue 3830): its loader hands Emscripten blob: URLs, which Node's worker_threads
 * cannot load. This shim instantiates that build itself with file paths (the pthread worker
 * script is written once to the temp directory) and registers it as the `wasm` backend.
 *
 * The build sizes its XNNPACK thread pool when it is instantiated, from half the logical cores
 * Emscripten reports (os.cpus()), so a 2-core machine would get one thread whatever is asked;
 * the core count is overridden for the duration of the instantiation only.
 */
import { createRequire } from 'node:module';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const THREADED_BUILD = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
/** tfjs-backend-wasm registers itself with this priority; keep it. */
const WASM_PRIORITY = 2;

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): unknown;
  tfjs?: Record<string, unknown>;
  PThread: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
}

/** The pthread worker script as a file (tfjs embeds it as a string with escaped newlines). */
function workerScript(): string {
  const path = join(os.tmpdir(), `rekd-tfjs-wasm-${wasmBackend.version_wasm}-worker.cjs`);
  if (!existsSync(path)) {
    const { wasmWorkerContents } = require(`${THREADED_BUILD}.worker.js`) as { wasmWorkerContents: string };
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, wasmWorkerContents.replace(/\n/g, '\\n'));
    renameSync(temporary, path);
  }
  return path;
}

async function instantiateThreaded(threads: number): Promise<EmscriptenModule> {
  const script = require.resolve(`${THREADED_BUILD}.js`);
  const factory = require(script) as EmscriptenFactory;
  const worker = workerScript();
  const cpus = os.cpus;
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
  try {
    return await factory({
      locateFile: (path: string, prefix: string) => {
        if (path.endsWith('.worker.js')) return worker;
        if (path.endsWith('.wasm')) return join(dirname(script), 'tfjs-backend-wasm-threaded-simd.wasm');
        return prefix + path;
      },
      // Workers evaluate this file to get the module factory.
      mainScriptUrlOrBlob: script,
    });
  } finally {
    os.cpus = cpus;
  }
}

/** The JS-side entry points tfjs's own loader attaches to the module. */
function attachTfjsApi(module: EmscriptenModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/**
 * Makes the `wasm` backend the threaded build with `threads` threads. Any existing wasm backend
 * (and every tensor on it) is removed, so call this before creating tensors.
 */
export async function useThreadedWasm(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm threads must be a positive integer, got ${threads}`);
  const module = await instantiateThreaded(threads);
  attachTfjsApi(module);
  wasmBackend.setThreadsCount(threads);
  if (tf.findBackendFactory('wasm') !== null) tf.removeBackend('wasm');
  const BackendWasm = wasmBackend.BackendWasm as unknown as new (wasm: EmscriptenModule) => tf.KernelBackend;
  tf.registerBackend('wasm', () => {
    const backend = new BackendWasm(module);
    // The thread pool's workers now run for good; like Node's own idle workers they must not
    // keep the process alive once the program is done.
    for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
    return backend;
  }, WASM_PRIORITY);
}
