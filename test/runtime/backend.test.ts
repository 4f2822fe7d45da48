import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { BackendError, defaultThreads, describeBackend, initBackend } from '../../src/runtime/backend.ts';
import { nativeAddon, nativeStatus } from '../../src/runtime/kernels/native-addon.ts';

describe('initBackend', () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeEach(() => {
    lines.length = 0;
  });
  afterEach(async () => {
    await initBackend('wasm', { log: () => {} });
  });

  it('auto falls back to wasm when no native TensorFlow package is installed, and logs it', async () => {
    const info = await initBackend('auto', { log });
    expect(['wasm', 'tensorflow', 'tensorflow-gpu']).to.include(info.name);
    expect(tf.getBackend()).to.equal(info.name === 'wasm' ? 'wasm' : 'tensorflow');
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).to.equal(5);
    expect(lines).to.deep.equal([describeBackend(info)]);
  });

  it('reports the wasm package version, the kernel path and the thread count (every core by default)', async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const info = await initBackend('wasm', { log });
    const threads = nativeAddon() === null ? wasm.getThreadsCount() : defaultThreads();
    expect(info).to.deep.equal({ name: 'wasm', version: wasm.version_wasm, threads, kernels: nativeStatus(), kernelPath: nativeAddon()?.cpuPath() ?? 'wasm' });
    expect(lines[0]).to.match(/^backend wasm \d+\.\d+\.\d+, \d+ threads?, native kernels (on \((avx512|avx2)\)|off \(.+\))$/);
  });

  it('gives the native kernels the threads asked for, else REKD_THREADS, else every core', async function () {
    if (nativeAddon() === null) this.skip();
    expect((await initBackend('wasm', { log, threads: 3 })).threads).to.equal(3);
    const saved = process.env.REKD_THREADS;
    try {
      process.env.REKD_THREADS = '1';
      expect((await initBackend('wasm', { log })).threads).to.equal(1);
      process.env.REKD_THREADS = 'two';
      const failure = await initBackend('wasm', { log }).then(() => null, (e: unknown) => e);
      expect((failure as Error).message).to.equal("REKD_THREADS must be an integer from 1 to 256, got 'two'");
      delete process.env.REKD_THREADS;
      expect(defaultThreads()).to.equal(availableParallelism());
    } finally {
      if (saved === undefined) delete process.env.REKD_THREADS;
      else process.env.REKD_THREADS = saved;
    }
  });

  it('selects the pure-JS cpu backend when asked', async () => {
    const info = await initBackend('cpu', { log });
    expect(info.name).to.equal('cpu');
    expect(tf.getBackend()).to.equal('cpu');
  });

  it('names the missing package and how to install it when an explicit choice cannot load', async function () {
    const gpuPackage = '@tensorflow/tfjs-node-gpu';
    if (await import(gpuPackage).then(() => true, () => false)) this.skip();
    const failure = await initBackend('tensorflow-gpu', { log }).then(() => null, (e: unknown) => e);
    expect(failure).to.be.instanceOf(BackendError);
    expect((failure as Error).message).to.contain('@tensorflow/tfjs-node-gpu could not be loaded')
      .and.to.contain('npm install @tensorflow/tfjs-node-gpu');
    expect(lines).to.deep.equal([]);
  });

  it('rejects an unknown backend name', async () => {
    const failure = await initBackend('webgl' as never, { log }).then(() => null, (e: unknown) => e);
    expect((failure as Error).message).to.equal(
      "unknown backend 'webgl': expected one of auto, wasm, cpu, tensorflow, tensorflow-gpu");
  });
});

describe('initBackend with wasm threads', () => {
  // In a child process: the threaded build replaces the process's wasm backend. It is used only
  // without the native kernels (they have their own threads).
  it('without the native kernels, runs the threaded build with the requested thread count and the same numbers', function () {
    this.timeout(120000);
    const probe = fileURLToPath(new URL('./wasm-threads-probe.ts', import.meta.url));
    const run = (threads: number) => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', probe, String(threads)], {
        encoding: 'utf8', env: { ...process.env, REKD_NATIVE: '0' },
      });
      expect(child.status, child.stderr.slice(-2000)).to.equal(0);
      return JSON.parse(child.stdout.trim().split('\n').pop() as string) as { threads: number; dx: number[]; dw: number[] };
    };
    const threaded = run(2);
    const single = run(1);
    expect(threaded.threads).to.equal(2);
    expect(single.threads).to.equal(1);
    const worst = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(worst(threaded.dx, single.dx)).to.be.below(1e-3);
    expect(worst(threaded.dw, single.dw)).to.be.below(1e-3);
  });
});
