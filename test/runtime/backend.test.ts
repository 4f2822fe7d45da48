import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';

describe('initBackend', () => {
  it('falls back to wasm when no native TensorFlow package is installed', async () => {
    const info = await initBackend('auto');
    expect(['wasm', 'tensorflow', 'tensorflow-gpu']).to.include(info.name);
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).to.equal(5);
  });
});
