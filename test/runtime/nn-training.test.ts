import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/runtime/random.ts';
import { backboneKinds, createEncoder, createMomentumCopy } from '../../src/runtime/nn/index.ts';
import { normalizeRows } from '../../src/runtime/objectives/rows.ts';
import { computeGradients, createAdamW, createSgd } from '../../src/runtime/optim/index.ts';
import { initTrainingBackend, randomImages, trainStep } from './nn-training-step.ts';

describe('nn training', () => {
  before(initTrainingBackend);

  for (const kind of backboneKinds) {
    it(`${kind}: every trainable variable gets a finite gradient`, () => {
      const encoder = createEncoder({ kind, width: 0.25, embed: 8, rng: new Rng(11) });
      // 16 px keeps the slow reference backend quick; every backbone still ends with >= 1x1 maps.
      const images = randomImages(new Rng(12), [2, 16, 16, 1]);
      const { loss, grads } = computeGradients(
        () => tf.sum(tf.square(tf.sub(encoder.forward(images, true).embedding, 0.3))) as tf.Scalar,
        encoder.trainableVariables());
      expect(Object.keys(grads).sort()).to.deep.equal([...encoder.trainableVariables().keys()].sort());
      for (const [name, grad] of Object.entries(grads)) {
        expect(grad.shape, name).to.deep.equal(encoder.trainableVariables().get(name)!.shape);
        expect(tf.all(tf.isFinite(grad)).dataSync()[0], name).to.equal(1);
      }
      tf.dispose([images, loss, ...Object.values(grads)]);
      encoder.dispose();
    });
  }

  it('keeps the number of live tensors constant from step to step (SGD, momentum copy)', () => {
    const rng = new Rng(13);
    const student = createEncoder({ kind: 'resnet18', width: 0.125, embed: 8, rng });
    const key = createMomentumCopy(student);
    const optimizer = createSgd(student.trainableVariables(), { momentum: 0.9, weightDecay: 5e-4 });
    const images = randomImages(rng, [4, 16, 16, 1]);
    trainStep(student, key, optimizer, images, 0.05);
    const live = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      trainStep(student, key, optimizer, images, 0.05);
      expect(tf.memory().numTensors).to.equal(live);
    }
    tf.dispose(images);
    for (const disposable of [student, key, optimizer]) disposable.dispose();
  });

  it('SGD steps reduce a fixed regression loss on the embeddings', () => {
    const rng = new Rng(15);
    const encoder = createEncoder({ kind: 'alexnet', width: 0.125, embed: 4, rng });
    const optimizer = createSgd(encoder.trainableVariables(), { momentum: 0.9, weightDecay: 0 });
    const images = randomImages(rng, [8, 16, 16, 1]);
    const target = normalizeRows(tf.randomNormal([8, 4], 0, 1, 'float32', 16));
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = tf.tidy(() => {
        const { loss, grads } = computeGradients(
          () => tf.mean(tf.sum(tf.square(tf.sub(encoder.forward(images, true).embedding, target)), 1)) as tf.Scalar,
          encoder.trainableVariables());
        optimizer.step(grads, 0.05);
        return loss;
      });
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    expect(losses[4]).to.be.lessThan(0.8 * losses[0]);
    tf.dispose([images, target]);
    encoder.dispose();
    optimizer.dispose();
  });

  it('AdamW steps leak no tensors either', () => {
    const rng = new Rng(14);
    const student = createEncoder({ kind: 'alexnet', width: 0.125, embed: 8, rng });
    const key = createMomentumCopy(student);
    const optimizer = createAdamW(student.trainableVariables());
    const images = randomImages(rng, [4, 16, 16, 1]);
    trainStep(student, key, optimizer, images, 1e-3);
    const live = tf.memory().numTensors;
    trainStep(student, key, optimizer, images, 1e-3);
    expect(tf.memory().numTensors).to.equal(live);
    tf.dispose(images);
    for (const disposable of [student, key, optimizer]) disposable.dispose();
  });
});
