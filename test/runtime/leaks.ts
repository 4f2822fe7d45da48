/** The leak check shared by the kernel tests. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `step` once to warm up, then `repeats` more times, and requires the live tensors and the
 * backend's data buffers to stay at their counts after the first run.
 */
export function expectNoLeaks(step: () => void, repeats = 2): void {
  step();
  const tensors = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  for (let i = 0; i < repeats; i++) step();
  expect(tf.memory().numTensors, 'live tensors').to.equal(tensors);
  expect(tf.engine().backend.numDataIds(), 'backend buffers').to.equal(buffers);
}
