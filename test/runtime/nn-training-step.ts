/**
 * A minimal training step shared by the nn and checkpoint tests: an encoder pulled towards its
 * momentum copy's embedding of a noisier view, SGD, EMA update. Data come from an Rng so a run
 * is reproducible and resumable from the Rng state.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import type { Rng } from '../../src/runtime/random.ts';
import { momentumUpdate, type Encoder } from '../../src/runtime/nn/index.ts';
import { computeGradients, type Optimizer } from '../../src/runtime/optim/index.ts';

/**
 * wasm when initBackend registered its conv gradient kernels (src/runtime/kernels), otherwise the
 * cpu reference backend, which has every gradient but is slow.
 */
export async function initTrainingBackend(): Promise<void> {
  await initBackend('wasm');
  const gradients = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];
  if (!gradients.every((name) => tf.getKernel(name, 'wasm'))) await initBackend('cpu');
}

export function randomImages(rng: Rng, shape: [number, number, number, number]): tf.Tensor4D {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return tf.tensor4d(values, shape);
}

/** One step; returns the loss. */
export function trainStep(student: Encoder, key: Encoder, optimizer: Optimizer, images: tf.Tensor4D, lr: number): number {
  const loss = tf.tidy(() => {
    const target = key.forward(tf.add(images, tf.mul(tf.randomNormal(images.shape, 0, 0.1, 'float32', 1), 1)), true).embedding;
    const { loss, grads } = computeGradients(() => {
      const query = student.forward(images, true).embedding;
      return tf.neg(tf.mean(tf.sum(tf.mul(query, target), 1))) as tf.Scalar;
    }, student.trainableVariables());
    optimizer.step(grads, lr);
    return loss;
  });
  momentumUpdate(key, student, 0.9);
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}
