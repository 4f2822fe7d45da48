import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import {
  computeGradients, cosineSchedule, createAdamW, createSgd, stepSchedule, type NamedGradients, type Optimizer,
} from '../../src/runtime/optim/index.ts';

/** A kernel (decayed) and a bias (never decayed), as the models name them. */
function variables(): Map<string, tf.Variable> {
  return new Map([
    ['layer/kernel', tf.variable(tf.tensor1d([1, -2]))],
    ['layer/bias', tf.variable(tf.tensor1d([0.5]))],
  ]);
}

function step(optimizer: Optimizer, kernelGrad: number[], biasGrad: number[], lr: number): void {
  const grads: NamedGradients = { 'layer/kernel': tf.tensor1d(kernelGrad), 'layer/bias': tf.tensor1d(biasGrad) };
  optimizer.step(grads, lr);
  tf.dispose(Object.values(grads));
}

function values(vars: Map<string, tf.Variable>, name: string): number[] {
  return Array.from(vars.get(name)!.dataSync());
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-6): void {
  expect(actual).to.have.length(expected.length);
  actual.forEach((a, i) => expect(a).to.be.closeTo(expected[i], tolerance));
}

describe('optimisers', () => {
  before(async () => { await initBackend('wasm'); });

  it('SGD with momentum and weight decay matches hand-computed updates; biases are not decayed', () => {
    const vars = variables();
    const sgd = createSgd(vars, { momentum: 0.9, weightDecay: 0.01 });
    // Step 1: g = [0.1 + 0.01*1, 0.2 + 0.01*-2] = [0.11, 0.18]; buffer = g; w -= 0.1 * g.
    step(sgd, [0.1, 0.2], [0.3], 0.1);
    expectClose(values(vars, 'layer/kernel'), [0.989, -2.018]);
    expectClose(values(vars, 'layer/bias'), [0.47]);
    // Step 2: g = [0.10989, 0.17982]; buffer = 0.9 * [0.11, 0.18] + g = [0.20889, 0.34182].
    step(sgd, [0.1, 0.2], [0.3], 0.1);
    expectClose(values(vars, 'layer/kernel'), [0.968111, -2.052182]);
    // Bias: buffer = 0.9 * 0.3 + 0.3 = 0.57; 0.47 - 0.057 (with decay it would differ).
    expectClose(values(vars, 'layer/bias'), [0.413]);
    expect(sgd.getState()).to.deep.equal({ updates: 2 });
    expectClose(Array.from(sgd.slots().get('momentum/layer/kernel')!.dataSync()), [0.20889, 0.34182]);
    sgd.dispose();
  });

  it('Nesterov SGD steps along g + momentum * buffer', () => {
    const vars = variables();
    const sgd = createSgd(vars, { momentum: 0.9, nesterov: true, weightDecay: 0 });
    // Step 1: buffer = g; update = 1.9 g = [0.19, 0.38].
    step(sgd, [0.1, 0.2], [0], 0.1);
    expectClose(values(vars, 'layer/kernel'), [0.981, -2.038]);
    // Step 2: buffer = 1.9 g; update = g + 0.9 * 1.9 g = 2.71 g = [0.271, 0.542].
    step(sgd, [0.1, 0.2], [0], 0.1);
    expectClose(values(vars, 'layer/kernel'), [0.9539, -2.0922]);
    sgd.dispose();
  });

  it('AdamW matches hand-computed bias-corrected steps with decoupled decay on kernels only', () => {
    const vars = variables();
    const adamw = createAdamW(vars, { weightDecay: 0.1 });
    // Step 1 (lr 0.01): w *= 1 - 0.001; m̂ = g, v̂ = g², so each coordinate moves by lr * sign(g).
    step(adamw, [0.1, 0.2], [0.3], 0.01);
    expectClose(values(vars, 'layer/kernel'), [0.989, -2.008]);
    expectClose(values(vars, 'layer/bias'), [0.49]);
    // Step 2, g = [-0.3, 0.05]: m = [-0.021, 0.023], v = [9.999e-5, 4.246e-5],
    // m̂ = m / 0.19, v̂ = v / 0.001999; w = 0.999 w - 0.01 m̂ / (sqrt(v̂) + 1e-8).
    step(adamw, [-0.3, 0.05], [0.3], 0.01);
    expectClose(values(vars, 'layer/kernel'), [0.9929529, -2.0142980]);
    expectClose(Array.from(adamw.slots().get('m/layer/kernel')!.dataSync()), [-0.021, 0.023]);
    expectClose(Array.from(adamw.slots().get('v/layer/kernel')!.dataSync()), [9.999e-5, 4.246e-5], 1e-9);
    expect(adamw.getState()).to.deep.equal({ updates: 2 });
    adamw.dispose();
  });

  it('rejects gradients for unknown variables and bad settings', () => {
    const vars = variables();
    const sgd = createSgd(vars);
    const grad = tf.tensor1d([1]);
    expect(() => sgd.step({ 'other/kernel': grad }, 0.1)).to.throw(/unknown variable 'other\/kernel'/);
    expect(() => createAdamW(vars, { beta1: 1 })).to.throw(/beta1 must be in \[0, 1\)/);
    grad.dispose();
    sgd.dispose();
  });

  it('computes gradients keyed by our variable names', () => {
    const vars = variables();
    const { loss, grads } = computeGradients(
      () => tf.sum(tf.square(vars.get('layer/kernel')!)) as tf.Scalar, vars);
    expect(loss.dataSync()[0]).to.be.closeTo(5, 1e-6);
    expect(Object.keys(grads)).to.deep.equal(['layer/kernel']);
    expectClose(Array.from(grads['layer/kernel'].dataSync()), [2, -4]);
    tf.dispose([loss, ...Object.values(grads)]);
  });
});

describe('learning-rate schedules', () => {
  it('cosine: linear warm-up, then half a cosine down to the final lr', () => {
    const lr = cosineSchedule({ lr: 0.1, epochs: 10, stepsPerEpoch: 10, warmupEpochs: 2 });
    expect(lr(0)).to.be.closeTo(0.005, 1e-12);
    expect(lr(19)).to.be.closeTo(0.1, 1e-12);
    expect(lr(20)).to.be.closeTo(0.1, 1e-12);
    expect(lr(60)).to.be.closeTo(0.05, 1e-12);
    expect(lr(100)).to.be.closeTo(0, 1e-12);
    const withFloor = cosineSchedule({ lr: 0.1, epochs: 10, stepsPerEpoch: 10, warmupEpochs: 2, finalLr: 0.01 });
    expect(withFloor(60)).to.be.closeTo(0.055, 1e-12);
  });

  it('step: multiplies by gamma at each milestone epoch', () => {
    const lr = stepSchedule({ lr: 0.1, epochs: 10, stepsPerEpoch: 5, milestones: [3, 6] });
    expect(lr(14)).to.be.closeTo(0.1, 1e-12);
    expect(lr(15)).to.be.closeTo(0.01, 1e-12);
    expect(lr(30)).to.be.closeTo(0.001, 1e-12);
    expect(() => stepSchedule({ lr: 0.1, epochs: 10, stepsPerEpoch: 5, milestones: [6, 3] })).to.throw(/increasing/);
    expect(() => cosineSchedule({ lr: 0.1, epochs: 2, stepsPerEpoch: 5, warmupEpochs: 2 })).to.throw(/warmup_epochs/);
  });
});
