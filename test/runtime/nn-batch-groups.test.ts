import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import { createEncoder, type Encoder } from '../../src/runtime/nn/encoder.ts';
import { forwardInGroups } from '../../src/runtime/nn/batch-groups.ts';

const rows = (t: tf.Tensor2D, indices: number[]) => indices.map((i) => Array.from(tf.slice(t, [i, 0], [1, -1]).dataSync()));

function expectRowsClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).to.equal(expected.length);
  actual.forEach((row, r) => row.forEach((value, c) => expect(value, `row ${r} column ${c}`).to.be.closeTo(expected[r][c], 1e-5)));
}

for (const backend of ['wasm', 'cpu'] as const) describe(`BatchNorm groups (shuffling BN), ${backend}`, () => {
  let encoder: Encoder;
  let x: tf.Tensor4D;
  before(async () => {
    await initBackend(backend);
    encoder = createEncoder({ kind: 'alexnet', width: 0.25, inChannels: 1, embed: 8, rng: new Rng(3) });
    // Images whose brightness grows with the index, so that every group has other statistics.
    x = tf.tidy(() => tf.add(tf.randomNormal([12, 16, 16, 1], 0, 1, 'float32', 5), tf.reshape(tf.range(0, 12), [12, 1, 1, 1])));
  });
  after(() => { encoder.dispose(); x.dispose(); });

  it('normalises each contiguous group with its own statistics', () => {
    const grouped = forwardInGroups(encoder, x, 3, { updateStatistics: false });
    for (const start of [0, 4, 8]) {
      const alone = encoder.forward(tf.slice(x, [start, 0, 0, 0], [4, -1, -1, -1]), true, false);
      const indices = [0, 1, 2, 3];
      expectRowsClose(rows(grouped.embedding, indices.map((i) => start + i)), rows(alone.embedding, indices));
      expectRowsClose(rows(grouped.features, indices.map((i) => start + i)), rows(alone.features, indices));
      tf.dispose([alone.features, alone.embedding]);
    }
    const whole = encoder.forward(x, true, false);
    expect(Math.abs(rows(grouped.embedding, [0])[0][0] - rows(whole.embedding, [0])[0][0])).to.be.greaterThan(1e-3);
    tf.dispose([grouped.features, grouped.embedding, whole.features, whole.embedding]);
  });

  it('groups keys by a shuffled order and returns them in the input order', () => {
    const order = new Rng(11).shuffle(Int32Array.from({ length: 12 }, (_, i) => i)) as Int32Array;
    const keys = forwardInGroups(encoder, x, 2, { updateStatistics: false, order });
    for (const group of [Array.from(order.slice(0, 6)), Array.from(order.slice(6))]) {
      // The images of a group normalised together, in a batch of their own: the same rows.
      const alone = encoder.forward(tf.gather(x, group), true, false);
      expectRowsClose(rows(keys.embedding, group), rows(alone.embedding, group.map((_, i) => i)));
      tf.dispose([alone.features, alone.embedding]);
    }
    tf.dispose([keys.features, keys.embedding]);
  });

  // The kernels' group gradients for both backends: kernels.test.ts; this one is slow on cpu.
  if (backend === 'wasm') it('gives the same gradients as the groups trained one by one', () => {
    const variables = [...encoder.trainableVariables().values()];
    const loss = (forward: () => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.mul(forward(), tf.range(0, 8))) as tf.Scalar, variables).grads;
    const grouped = loss(() => forwardInGroups(encoder, x, 3, { updateStatistics: false }).embedding);
    const separate = loss(() => tf.concat([0, 4, 8].map((s) => encoder.forward(tf.slice(x, [s, 0, 0, 0], [4, -1, -1, -1]), true, false).embedding)));
    for (const name of Object.keys(grouped)) {
      const [a, b] = [grouped[name].dataSync(), separate[name].dataSync()];
      const scale = Math.max(...Array.from(b, Math.abs));
      a.forEach((value, i) => expect(value, name).to.be.closeTo(b[i], 1e-4 * scale + 1e-6));
    }
    tf.dispose([...Object.values(grouped), ...Object.values(separate)]);
  });

  it('moves the running statistics by the mean of the groups\' statistics', () => {
    const running = () => [...encoder.state()].filter(([n]) => n.includes('running_')).map(([n, v]) => [n, Array.from(v.dataSync())] as const);
    const reset = () => { for (const [name, v] of encoder.state()) if (name.includes('running_')) v.assign(name.endsWith('mean') ? tf.zerosLike(v) : tf.onesLike(v)); };
    const half = tf.slice(x, [0, 0, 0, 0], [6, -1, -1, -1]);
    reset();
    tf.dispose(Object.values(encoder.forward(half, true)));
    const once = running();
    reset();
    // Two identical groups: each has the statistics of `half`, so the update is that of `half` alone.
    const twice = tf.concat([half, half]) as tf.Tensor4D;
    tf.dispose(Object.values(forwardInGroups(encoder, twice, 2, { updateStatistics: true })));
    running().forEach(([name, values], i) => values.forEach((v, c) => expect(v, name).to.be.closeTo(once[i][1][c], 1e-4)));
    tf.dispose([half, twice]);
  });

  it('refuses groups that do not divide the batch or leave fewer than 2 images each', () => {
    expect(() => forwardInGroups(encoder, x, 5, { updateStatistics: false })).to.throw('bn_groups 5 needs a batch that is a multiple of it with at least 2 images per group, got 12');
    expect(() => forwardInGroups(encoder, x, 12, { updateStatistics: false })).to.throw('got 12');
  });
});
