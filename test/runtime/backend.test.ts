import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, describeBackend, initBackend } from '../../src/runtime/backend.ts';

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
    expect(info).to.deep.equal({ name: 'wasm', version: wasm.version_wasm, threads: wasm.getThreadsCount() });
    expect(lines[0]).to.match(/^backend wasm \d+\.\d+\.\d+, \d+ threads?$/);
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
