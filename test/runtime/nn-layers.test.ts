import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import {
  activate, batchNorm, channelShuffle, conv2d, depthwiseConv2d, makeDivisible, squeezeExcite,
} from '../../src/runtime/nn/layers.ts';
import { ParamStore } from '../../src/runtime/nn/params.ts';

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  expect(actual.length).to.equal(expected.length);
  expected.forEach((e, i) => expect(actual[i]).to.be.closeTo(e, tolerance));
}

describe('nn layers', () => {
  before(async () => { await initBackend('wasm'); });

  it('BatchNorm trains on batch statistics, moves running statistics, and evaluates on them', () => {
    const store = new ParamStore(new Rng(0));
    const bn = batchNorm<tf.Tensor2D>(store.scope('bn'), 1);
    const x = tf.tensor2d([[1], [2], [3], [4]]);
    // Batch mean 2.5, biased variance 1.25 (normalisation), unbiased 5/3 (running estimate).
    const trained = bn(x, { training: true });
    expectClose(trained.dataSync(), [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25 + 1e-5)));
    const stats = store.statistics();
    expectClose(stats.get('bn/running_mean')!.dataSync(), [0.25]);
    expectClose(stats.get('bn/running_var')!.dataSync(), [0.9 + 0.1 * (5 / 3)]);
    const evaluated = bn(x, { training: false });
    expectClose(evaluated.dataSync(), [1, 2, 3, 4].map((v) => (v - 0.25) / Math.sqrt(0.9 + 0.5 / 3 + 1e-5)));
    // Eval mode leaves the running statistics alone, and so does training with updateStatistics false
    // (a momentum key encoder), which still normalises with the batch statistics.
    const keyed = bn(x, { training: true, updateStatistics: false });
    expectClose(keyed.dataSync(), Array.from(trained.dataSync()));
    expectClose(stats.get('bn/running_mean')!.dataSync(), [0.25]);
    expectClose(stats.get('bn/running_var')!.dataSync(), [0.9 + 0.1 * (5 / 3)]);
    // A fused ReLU: max(BatchNorm(x), 0).
    const rectified = batchNorm<tf.Tensor2D>(store.scope('bn_relu'), 1, true)(x, { training: true });
    expectClose(rectified.dataSync(), [-1.5, -0.5, 0.5, 1.5].map((v) => Math.max(0, v / Math.sqrt(1.25 + 1e-5))));
    tf.dispose([x, trained, evaluated, keyed, rectified]);
    store.dispose();
  });

  it('BatchNorm weighs a batch by statisticsWeight: 1, then 1/2, gives the plain mean of two batches', () => {
    const store = new ParamStore(new Rng(0));
    const bn = batchNorm<tf.Tensor2D>(store.scope('bn'), 1);
    const batches = [[1, 2, 3, 4], [10, 20, 30]];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const unbiased = (v: number[]) => v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1);
    batches.forEach((values, n) => tf.tidy(() => { bn(tf.tensor2d(values, [values.length, 1]), { training: true, statisticsWeight: 1 / (n + 1) }); }));
    const stats = store.statistics();
    // The initial statistics (0 and 1) are gone entirely.
    expectClose(stats.get('bn/running_mean')!.dataSync(), [mean(batches.map(mean))], 1e-4);
    expectClose(stats.get('bn/running_var')!.dataSync(), [mean(batches.map(unbiased))], 1e-3);
    store.dispose();
  });

  it('BatchNorm training gradients equal autodiff through the plain formula', () => {
    const store = new ParamStore(new Rng(0));
    const bn = batchNorm<tf.Tensor4D>(store.scope('bn'), 4);
    const { gamma, beta } = Object.fromEntries(
      [...store.trainableVariables()].map(([name, v]) => [name.split('/')[1], v]));
    gamma.assign(tf.tensor1d([0.5, 1.5, -1, 2]));
    beta.assign(tf.tensor1d([0.1, -0.2, 0.3, 0]));
    const x = tf.variable(tf.randomNormal<tf.Rank.R4>([3, 2, 2, 4], 1, 2, 'float32', 5));
    const weights = tf.randomNormal([3, 2, 2, 4], 0, 1, 'float32', 6);
    const variables = [x, gamma, beta];
    const ours = tf.variableGrads(() => tf.sum(tf.mul(bn(x, { training: true }), weights)) as tf.Scalar, variables);
    const reference = tf.variableGrads(() => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
      return tf.sum(tf.mul(y, weights)) as tf.Scalar;
    }, variables);
    expect(ours.value.dataSync()[0]).to.be.closeTo(reference.value.dataSync()[0], 1e-4);
    for (const v of variables) expectClose(ours.grads[v.name].dataSync(), Array.from(reference.grads[v.name].dataSync()), 1e-4);
    tf.dispose([x, weights, ours.value, reference.value, ...Object.values(ours.grads), ...Object.values(reference.grads)]);
    store.dispose();
  });

  it('computes the activations', () => {
    const x = tf.tensor1d([-4, -1, 0, 1, 4]);
    expectClose(activate(x, 'hardswish').dataSync(), [0, -1 / 3, 0, 2 / 3, 4]);
    expectClose(activate(x, 'swish').dataSync(), [-4, -1, 0, 1, 4].map((v) => v / (1 + Math.exp(-v))));
    expectClose(activate(x, 'relu6').dataSync(), [0, 0, 0, 1, 4]);
    x.dispose();
  });

  it('interleaves channel groups in channel shuffle', () => {
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5], [1, 1, 1, 6]);
    expect(Array.from(channelShuffle(x, 2).dataSync())).to.deep.equal([0, 3, 1, 4, 2, 5]);
    expect(() => channelShuffle(x, 4)).to.throw(/6 channels do not split into 4 groups/);
    x.dispose();
  });

  it('pads convolutions symmetrically (ceil(size / stride) outputs) and counts multiply-adds', () => {
    const store = new ParamStore(new Rng(0));
    const conv = conv2d(store.scope('conv'), { inChannels: 2, outChannels: 3, kernel: 3, stride: 2 });
    const depthwise = depthwiseConv2d(store.scope('dw'), { channels: 2, kernel: 5, stride: 2 });
    const cost = { macs: 0 };
    const y = conv(tf.ones([1, 7, 7, 2]), { training: false, cost });
    expect(y.shape).to.deep.equal([1, 4, 4, 3]);
    expect(cost.macs).to.equal(4 * 4 * 3 * 3 * 3 * 2);
    const z = depthwise(tf.ones([1, 28, 28, 2]), { training: false });
    expect(z.shape).to.deep.equal([1, 14, 14, 2]);
    tf.dispose([y, z]);
    store.dispose();
  });

  it('gates channels with squeeze-excitation weights in (0, 1)', () => {
    const store = new ParamStore(new Rng(0));
    const se = squeezeExcite(store.scope('se'), { channels: 4, squeeze: 2, activation: 'relu', gate: 'sigmoid' });
    const y = se(tf.ones([2, 3, 3, 4]), { training: false });
    expect(y.shape).to.deep.equal([2, 3, 3, 4]);
    for (const v of y.dataSync()) expect(v).to.be.greaterThan(0).and.lessThan(1);
    y.dispose();
    store.dispose();
  });

  it('rounds widths like MobileNet (multiple of 8, never below 90%)', () => {
    expect(makeDivisible(16)).to.equal(16);
    expect(makeDivisible(24 * 0.35)).to.equal(8);
    expect(makeDivisible(11)).to.equal(16);
    expect(makeDivisible(58, 4)).to.equal(60);
  });

  it('names variables by path and role, and refuses a duplicate name', () => {
    const store = new ParamStore(new Rng(0));
    conv2d(store.scope('a'), { inChannels: 1, outChannels: 1, kernel: 1, bias: true });
    batchNorm(store.scope('a/bn'), 1);
    expect([...store.trainableVariables().keys()]).to.deep.equal(['a/kernel', 'a/bias', 'a/bn/gamma', 'a/bn/beta']);
    expect([...store.statistics().keys()]).to.deep.equal(['a/bn/running_mean', 'a/bn/running_var']);
    expect(() => conv2d(store.scope('a'), { inChannels: 1, outChannels: 1, kernel: 1 })).to.throw(/'a\/kernel' is defined twice/);
    store.dispose();
  });
});
