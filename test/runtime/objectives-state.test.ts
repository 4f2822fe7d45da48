import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import { instanceContrast, relationContrast, softRelation } from '../../src/runtime/objectives/losses.ts';
import { MemoryQueue } from '../../src/runtime/objectives/queue.ts';
import { kMeansPlusPlus, PrototypeBank } from '../../src/runtime/objectives/prototypes.ts';
import { createMiner, disposeMining, knnMiner, PrototypeMiner, rekdLoss, softMiner } from '../../src/runtime/objectives/miners.ts';
import type { SavedState } from '../../src/runtime/objectives/state.ts';

const rows = (x: tf.Tensor): number[][] => x.arraySync() as number[][];

/** Row i is [i, -i] scaled by `from`: easy to recognise in the queue. */
function numbered(from: number, count: number): tf.Tensor2D {
  return tf.tensor2d(Array.from({ length: count }, (_, i) => [from + i, -(from + i)]));
}

function bankOptions(count: number, dim: number, extra: Partial<ConstructorParameters<typeof PrototypeBank>[0]> = {}) {
  return { count, dim, beta: 0.5, reseedAfter: 1000, warmupSteps: 0, rng: new Rng(1), ...extra };
}

/** Exports a state, restores it into `target` (JSON part through text, as a checkpoint would) and disposes the copies. */
function transfer(source: { exportState(): SavedState }, target: { restoreState(s: SavedState): void }): void {
  const state = source.exportState();
  try {
    target.restoreState({ tensors: state.tensors, json: JSON.parse(JSON.stringify(state.json)) });
  } finally {
    tf.dispose(Object.values(state.tensors));
  }
}

describe('MemoryQueue', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('holds only filled slots, then overwrites the oldest rows first', () => {
    const queue = new MemoryQueue({ size: 5, keyDim: 2 });
    expect(queue.count).to.equal(0);
    tf.tidy(() => queue.enqueue({ keys: numbered(1, 3) }));
    expect(queue.count).to.equal(3);
    expect(rows(queue.keys).map((r) => r[0])).to.deep.equal([1, 2, 3]);
    tf.tidy(() => queue.enqueue({ keys: numbered(4, 3) }));
    expect(queue.count).to.equal(5);
    expect(rows(queue.keys).map((r) => r[0])).to.deep.equal([6, 2, 3, 4, 5]);
    tf.tidy(() => queue.enqueue({ keys: numbered(7, 2) }));
    expect(rows(queue.keys).map((r) => r[0])).to.deep.equal([6, 7, 8, 4, 5]);
    queue.dispose();
  });

  it('keeps only the newest K rows of a batch larger than the queue', () => {
    const queue = new MemoryQueue({ size: 3, keyDim: 2 });
    tf.tidy(() => queue.enqueue({ keys: numbered(1, 7) }));
    expect(rows(queue.keys).map((r) => r[0]).sort()).to.deep.equal([5, 6, 7]);
    queue.dispose();
  });

  it('keeps teacher embeddings and labels aligned with the keys; missing labels are -1', () => {
    const queue = new MemoryQueue({ size: 4, keyDim: 2, teacherDim: 2, labels: true });
    tf.tidy(() => queue.enqueue({ keys: numbered(1, 3), teacher: numbered(11, 3), labels: tf.tensor1d([7, 8, 9], 'int32') }));
    tf.tidy(() => queue.enqueue({ keys: numbered(4, 2), teacher: numbered(14, 2) }));
    expect(rows(queue.keys).map((r) => r[0])).to.deep.equal([5, 2, 3, 4]);
    expect(rows(queue.teacher).map((r) => r[0])).to.deep.equal([15, 12, 13, 14]);
    expect(Array.from(queue.labels.dataSync())).to.deep.equal([-1, 8, 9, -1]);
    queue.dispose();
  });

  it('rejects entries that do not fit, naming what is wrong', () => {
    const queue = new MemoryQueue({ size: 4, keyDim: 2, teacherDim: 3 });
    tf.tidy(() => {
      expect(() => queue.enqueue({ keys: numbered(1, 2) })).to.throw(/needs `teacher`/);
      expect(() => queue.enqueue({ keys: tf.zeros([2, 5]) as tf.Tensor2D, teacher: tf.zeros([2, 3]) as tf.Tensor2D })).to.throw(
        /queued keys must have 2 columns/,
      );
    });
    expect(() => queue.labels).to.throw(/no relation labels/);
    queue.dispose();
  });

  it('restores from its exported state and continues exactly like the original', () => {
    const options = { size: 5, keyDim: 2, teacherDim: 2, labels: true, classLabels: true };
    const original = new MemoryQueue(options);
    tf.tidy(() => original.enqueue({
      keys: numbered(1, 4), teacher: numbered(21, 4), labels: tf.tensor1d([1, 2, 3, 4], 'int32'), classLabels: tf.tensor1d([5, 6, 7, 8], 'int32'),
    }));
    tf.tidy(() => original.enqueue({ keys: numbered(5, 3), teacher: numbered(25, 3) }));
    const restored = new MemoryQueue(options);
    transfer(original, restored);
    expect(Array.from(restored.classLabels.dataSync())).to.deep.equal([-1, -1, 7, 8, -1]);
    for (const queue of [original, restored]) {
      tf.tidy(() => queue.enqueue({ keys: numbered(8, 2), teacher: numbered(28, 2), classLabels: tf.tensor1d([9, 9], 'int32') }));
    }
    expect(rows(restored.keys)).to.deep.equal(rows(original.keys));
    expect(rows(restored.teacher)).to.deep.equal(rows(original.teacher));
    expect(Array.from(restored.labels.dataSync())).to.deep.equal(Array.from(original.labels.dataSync()));
    expect(Array.from(restored.classLabels.dataSync())).to.deep.equal([-1, -1, 9, 9, -1]);
    const wrongSize = new MemoryQueue({ ...options, size: 6 });
    expect(() => transfer(original, wrongSize)).to.throw(/size 5, this queue has 6 slots/);
    const withoutClasses = new MemoryQueue({ ...options, classLabels: false });
    expect(() => transfer(withoutClasses, restored)).to.throw(/memory queue state has no tensor 'class_labels'/);
    [original, restored, wrongSize, withoutClasses].forEach((q) => q.dispose());
  });

  it('keeps the number of live tensors constant from step to step', () => {
    const queue = new MemoryQueue({ size: 6, keyDim: 2, teacherDim: 2, labels: true });
    const counts: number[] = [];
    for (let step = 0; step < 6; step++) {
      tf.tidy(() => queue.enqueue({ keys: numbered(step * 4, 4), teacher: numbered(step, 4), labels: tf.tensor1d([0, 1, 2, 3], 'int32') }));
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).to.equal(1);
    queue.dispose();
  });
});

describe('PrototypeBank', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('k-means++ picks one seed per well-separated cluster', () => {
    const centres = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const data: number[] = [];
    const noise = new Rng(5);
    for (let i = 0; i < 30; i++) for (const x of centres[i % 3]) data.push(x + 0.01 * noise.normal());
    for (let seed = 0; seed < 10; seed++) {
      const picks = kMeansPlusPlus(Float32Array.from(data), 3, 3, new Rng(seed));
      expect(new Set(picks.map((i) => i % 3)).size, `seed ${seed}`).to.equal(3);
    }
  });

  it('k-means++ still returns distinct rows when all rows coincide', () => {
    const picks = kMeansPlusPlus(new Float32Array(12).fill(0.5), 3, 4, new Rng(2));
    expect(new Set(picks).size).to.equal(4);
  });

  it('seeds from the teacher embeddings once warm-up has passed and the buffer holds M rows', () => {
    const bank = new PrototypeBank(bankOptions(3, 2, { warmupSteps: 1 }));
    const batch = tf.tensor2d([[1, 0], [0, 1], [-1, 0]]);
    expect(bank.observe(tf.slice(batch, [0], [2]) as tf.Tensor2D)).to.equal(false); // warm-up step
    expect(bank.observe(tf.slice(batch, [2], [1]) as tf.Tensor2D)).to.equal(true); // 3 rows buffered
    const seeded = rows(bank.prototypes).map((r) => r.join(',')).sort();
    expect(seeded).to.deep.equal(['-1,0', '0,1', '1,0']);
    bank.dispose();
    batch.dispose();
  });

  it('moves assigned prototypes by EMA and re-seeds one idle for reseed_after steps', () => {
    const bank = new PrototypeBank(bankOptions(2, 2, { reseedAfter: 2 }));
    tf.tidy(() => bank.observe(tf.tensor2d([[1, 0], [0, 1]])));
    const t = tf.tensor2d([[0.8, 0.6], [0.6, 0.8]]);
    const labels = tf.tensor1d([0, 0], 'int32');
    const before = rows(bank.prototypes);
    const hit = before.findIndex((r) => r[0] === 1);
    const idle = 1 - hit;
    const fixedLabels = tf.tensor1d([hit, hit], 'int32');
    bank.update(t, fixedLabels);
    const afterOne = rows(bank.prototypes);
    // β = 0.5: norm(0.5 (1, 0) + 0.5 (0.7, 0.7)) = (0.85, 0.35) / |.|
    const len = Math.hypot(0.85, 0.35);
    expect(afterOne[hit][0]).to.be.closeTo(0.85 / len, 1e-5);
    expect(afterOne[hit][1]).to.be.closeTo(0.35 / len, 1e-5);
    expect(afterOne[idle]).to.deep.equal(before[idle]);
    bank.update(t, fixedLabels); // second idle step: re-seeded from a row of t
    const reseeded = rows(bank.prototypes)[idle];
    expect(rows(t).some((r) => Math.abs(r[0] - reseeded[0]) < 1e-6 && Math.abs(r[1] - reseeded[1]) < 1e-6)).to.equal(true);
    tf.dispose([t, labels, fixedLabels]);
    bank.dispose();
  });

  it('restores from its exported state, mid warm-up and seeded, and continues identically', () => {
    const stream = new Rng(9);
    const batch = (): tf.Tensor2D =>
      tf.tidy(() => {
        const x = tf.tensor2d(Float32Array.from({ length: 8 }, () => stream.normal()), [4, 2]);
        return tf.div(x, tf.norm(x, 2, 1, true)) as tf.Tensor2D;
      });
    const original = new PrototypeBank(bankOptions(6, 2, { reseedAfter: 1, rng: new Rng(3) }));
    const first = batch();
    original.observe(first); // 4 of 6 rows: still warming up
    const copy = new PrototypeBank(bankOptions(6, 2, { reseedAfter: 1, rng: new Rng(77) }));
    transfer(original, copy);
    expect(copy.seeded).to.equal(false);
    const second = batch();
    for (const bank of [original, copy]) bank.observe(second);
    const third = batch();
    const copyAgain = new PrototypeBank(bankOptions(6, 2, { reseedAfter: 1, rng: new Rng(78) }));
    transfer(original, copyAgain);
    for (const bank of [original, copy, copyAgain]) {
      const labels = bank.assign(third);
      bank.update(third, labels); // reseedAfter 1: idle prototypes are re-seeded with RNG draws
      labels.dispose();
    }
    expect(rows(copy.prototypes)).to.deep.equal(rows(original.prototypes));
    expect(rows(copyAgain.prototypes)).to.deep.equal(rows(original.prototypes));
    tf.dispose([first, second, third]);
    [original, copy, copyAgain].forEach((b) => b.dispose());
  });
});

describe('relation miners', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('knn marks exactly the k queue slots with the most similar teacher embeddings', () => {
    const queue = new MemoryQueue({ size: 4, keyDim: 2, teacherDim: 2 });
    tf.tidy(() => queue.enqueue({ keys: numbered(1, 4), teacher: tf.tensor2d([[1, 0], [0, 1], [0.9, 0.1], [-1, 0]]) }));
    const mining = tf.tidy(() => knnMiner(2).mine(tf.tensor2d([[1, 0], [0, -1]]), queue));
    expect(mining.kind).to.equal('positives');
    if (mining.kind !== 'positives') return;
    expect(rows(mining.positives)).to.deep.equal([[1, 0, 1, 0], [1, 0, 0, 1]]);
    disposeMining(mining);
    queue.dispose();
  });

  it('knn caps k at the filled slots (one slot included) and gives an empty mask for an empty queue', () => {
    const queue = new MemoryQueue({ size: 8, keyDim: 2, teacherDim: 2 });
    const miner = knnMiner(5);
    const t = tf.tensor2d([[1, 0]]);
    const empty = miner.mine(t, queue);
    expect(empty.kind === 'positives' && empty.positives.shape).to.deep.equal([1, 0]);
    disposeMining(empty);
    tf.tidy(() => queue.enqueue({ keys: numbered(1, 1), teacher: numbered(1, 1) }));
    const one = miner.mine(t, queue);
    expect(one.kind === 'positives' && rows(one.positives)).to.deep.equal([[1]]);
    disposeMining(one);
    tf.tidy(() => queue.enqueue({ keys: numbered(2, 1), teacher: numbered(2, 1) }));
    const two = miner.mine(t, queue);
    expect(two.kind === 'positives' && rows(two.positives)).to.deep.equal([[1, 1]]);
    disposeMining(two);
    t.dispose();
    queue.dispose();
  });

  it('soft targets the teacher distribution over the queue (nothing to distil from an empty queue)', () => {
    const queue = new MemoryQueue({ size: 4, keyDim: 2, teacherDim: 2 });
    const miner = softMiner(0.05);
    tf.tidy(() => {
      const q = tf.tensor2d([[0.6, 0.8]]);
      const t = tf.tensor2d([[1, 0]]);
      expect(rekdLoss(q, q, queue, miner.mine(t, queue), 0.2).dataSync()[0]).to.equal(0);
      queue.enqueue({ keys: numbered(1, 2), teacher: tf.tensor2d([[1, 0], [0, 1]]) });
      const mining = miner.mine(t, queue);
      const viaMiner = rekdLoss(q, q, queue, mining, 0.2).dataSync()[0];
      const direct = softRelation(q, queue.keys, t, queue.teacher, 0.2, 0.05).dataSync()[0];
      expect(viaMiner).to.equal(direct);
    });
    queue.dispose();
  });

  it('prototype: warms up on the instance loss, then labels the queue and marks same-label slots', () => {
    const queue = new MemoryQueue({ size: 8, keyDim: 2, teacherDim: 2, labels: true });
    const miner = createMiner({
      miner: 'prototype', teacherDim: 2, prototypes: 2, beta: 0.99, reseedAfter: 1000, warmupSteps: 1, k: 5,
      teacherTemperature: 0.05, rng: new Rng(4),
    }) as PrototypeMiner;
    const east = tf.tensor2d([[1, 0], [1, 0]]); // duplicates: k-means++ must then pick one east and one north seed
    const warm = miner.mine(east, queue);
    expect(warm.kind).to.equal('instance');
    tf.tidy(() => queue.enqueue({ keys: east, teacher: east, labels: warm.labels }));
    expect(Array.from(queue.labels.dataSync())).to.deep.equal([-1, -1]);
    const mixed = tf.tensor2d([[1, 0], [0, 1]]);
    const mining = miner.mine(mixed, queue); // seeds from the 4 buffered rows, relabels the queue
    expect(miner.bank.seeded).to.equal(true);
    const queueLabels = Array.from(queue.labels.dataSync());
    expect(queueLabels[0]).to.equal(queueLabels[1]);
    expect(queueLabels[0]).to.be.oneOf([0, 1]);
    expect(mining.kind).to.equal('positives');
    if (mining.kind !== 'positives') return;
    const [eastLabel, northLabel] = Array.from(mining.labels!.dataSync());
    expect(eastLabel).to.not.equal(northLabel);
    expect(rows(mining.positives)).to.deep.equal([[1, 1], [0, 0]]);
    tf.tidy(() => {
      const expected = relationContrast(mixed, mixed, queue.keys, mining.positives, 0.1).dataSync()[0];
      expect(rekdLoss(mixed, mixed, queue, mining, 0.1).dataSync()[0]).to.equal(expected);
      expect(rekdLoss(mixed, mixed, queue, warm, 0.1).dataSync()[0]).to.equal(instanceContrast(mixed, mixed, queue.keys, 0.1).dataSync()[0]);
    });
    miner.update(mixed, mining);
    disposeMining(mining);
    tf.dispose([east, mixed]);
    miner.dispose();
    queue.dispose();
  });

  it('prototype miner refuses a queue without labels', () => {
    const queue = new MemoryQueue({ size: 4, keyDim: 2, teacherDim: 2 });
    const miner = new PrototypeMiner(new PrototypeBank(bankOptions(2, 2)));
    expect(() => miner.mine(tf.zeros([2, 2]) as tf.Tensor2D, queue)).to.throw(/needs a queue that keeps relation labels/);
    queue.dispose();
  });
});
