import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, describeBackend, initBackend } from '../../src/runtime/backend.ts';
import { nativeStatus } from '../../src/runtime/kernels/native_addon.ts';

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

  it('reports the wasm package version and its thread count', async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const info = await initBackend('wasm', { log });
    expect(info).to.deep.equal({ name: 'wasm', version: wasm.version_wasm, threads: wasm.getThreadsCount(), kernels: nativeStatus() });
    expect(lines[0]).to.match(/^backend wasm \d+\.\d+\.\d+, \d+ threads?, native (conv )?kernels (on|off \(.+\))$/);
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
  // In a child process: the threaded build replaces the process's wasm backend.
  it('runs the threaded build with the requested thread count and the same numbers', function () {
    this.timeout(120000);
    const probe = fileURLToPath(new URL('./wasm_threads_probe.ts', import.meta.url));
    const run = (threads: number) => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', probe, String(threads)], { encoding: 'utf8' });
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
