import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import { createEncoder, type Encoder } from '../../src/runtime/nn/encoder.ts';
import { forwardInGroups, groupSizes } from '../../src/runtime/nn/batch-groups.ts';

const rows = (t: tf.Tensor2D, indices: number[]) => indices.map((i) => Array.from(tf.slice(t, [i, 0], [1, -1]).dataSync()));

describe('BatchNorm groups (shuffling BN)', () => {
  let encoder: Encoder;
  let x: tf.Tensor4D;
  before(async () => {
    await initBackend('wasm');
    encoder = createEncoder({ kind: 'alexnet', width: 0.25, inChannels: 1, embed: 8, rng: new Rng(3) });
    // Images whose brightness grows with the index, so that every group has other statistics.
    x = tf.tidy(() => tf.add(tf.randomNormal([12, 16, 16, 1], 0, 1, 'float32', 5), tf.reshape(tf.range(0, 12), [12, 1, 1, 1])));
  });
  after(() => { encoder.dispose(); x.dispose(); });

  it('cuts a batch into groups as equal as possible, with at least 2 images each', () => {
    expect(groupSizes(10, 3)).to.deep.equal([4, 3, 3]);
    expect(groupSizes(128, 8)).to.deep.equal(Array(8).fill(16));
    expect(groupSizes(7, 1)).to.deep.equal([7]);
    expect(() => groupSizes(7, 4)).to.throw('bn_groups 4 needs at least 2 images per group, the batch has 7');
    expect(() => groupSizes(8, 0)).to.throw('bn_groups must be a positive integer, got 0');
  });

  it('normalises each contiguous group with its own statistics', () => {
    const grouped = forwardInGroups(encoder, x, 3, { updateStatistics: false });
    for (const [start, size] of [[0, 4], [4, 4], [8, 4]]) {
      const alone = encoder.forward(tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]), true, false);
      const indices = Array.from({ length: size }, (_, i) => start + i);
      expect(rows(grouped.embedding, indices)).to.deep.equal(rows(alone.embedding, indices.map((i) => i - start)));
      expect(rows(grouped.features, indices)).to.deep.equal(rows(alone.features, indices.map((i) => i - start)));
      tf.dispose([alone.features, alone.embedding]);
    }
    const whole = encoder.forward(x, true, false);
    expect(rows(grouped.embedding, [0])).to.not.deep.equal(rows(whole.embedding, [0]));
    tf.dispose([grouped.features, grouped.embedding, whole.features, whole.embedding]);
  });

  it('groups keys by a shuffled order and returns them in the input order', () => {
    const order = new Rng(11).shuffle(Int32Array.from({ length: 12 }, (_, i) => i)) as Int32Array;
    const keys = forwardInGroups(encoder, x, 2, { updateStatistics: false, order });
    for (const group of [Array.from(order.slice(0, 6)), Array.from(order.slice(6))]) {
      // The images of a group normalised together, in the group's own batch: the same rows.
      const alone = encoder.forward(tf.gather(x, group), true, false);
      expect(rows(keys.embedding, group)).to.deep.equal(rows(alone.embedding, group.map((_, i) => i)));
      tf.dispose([alone.features, alone.embedding]);
    }
    tf.dispose([keys.features, keys.embedding]);
  });

  it('moves the running statistics by 1 / groups of the usual weight per group', () => {
    const runningMean = () => Array.from(encoder.state().get([...encoder.state().keys()].find((n) => n.endsWith('running_mean'))!)!.dataSync());
    const reset = () => { for (const [name, v] of encoder.state()) if (name.endsWith('running_mean')) v.assign(tf.zerosLike(v)); };
    const half = tf.slice(x, [0, 0, 0, 0], [6, -1, -1, -1]);
    reset();
    tf.dispose(Object.values(encoder.forward(half, true)));
    const once = runningMean();
    reset();
    // Two identical groups: weight 0.05 twice moves the mean by 1 - 0.95^2 = 0.0975 of the batch mean, against 0.1 once.
    const twice = tf.concat([half, half]) as tf.Tensor4D;
    tf.dispose(Object.values(forwardInGroups(encoder, twice, 2, { updateStatistics: true })));
    runningMean().forEach((value, i) => expect(value).to.be.closeTo(once[i] * 0.0975 / 0.1, 1e-5));
    tf.dispose([half, twice]);
  });
});
