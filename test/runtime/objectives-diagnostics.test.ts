/** measureMiner on hand-made minings whose precision, positives and chance are worked out by hand; its one-hot helper. */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { measureMiner } from '../../src/runtime/objectives/diagnostics.ts';
import { knnMiner, softMiner, type Mining } from '../../src/runtime/objectives/miners.ts';
import { MemoryQueue } from '../../src/runtime/objectives/queue.ts';
import { oneHotRows } from '../../src/runtime/objectives/rows.ts';

/** Slot classes 0, 0, 1, 2, unknown, 1: the middle slot is enqueued without class labels. */
function labelledQueue(teacher: number[][] = Array.from({ length: 6 }, (_, i) => [i, 1])): MemoryQueue {
  const queue = new MemoryQueue({ size: 6, keyDim: 2, teacherDim: 2, classLabels: true });
  const rows = (from: number, to: number) => tf.tensor2d(teacher.slice(from, to));
  tf.tidy(() => {
    queue.enqueue({ keys: rows(0, 4), teacher: rows(0, 4), classLabels: tf.tensor1d([0, 0, 1, 2], 'int32') });
    queue.enqueue({ keys: rows(4, 5), teacher: rows(4, 5) });
    queue.enqueue({ keys: rows(5, 6), teacher: rows(5, 6), classLabels: tf.tensor1d([1], 'int32') });
  });
  return queue;
}

describe('miner diagnostics', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('one-hot rows give zero rows for -1 and work for a depth of 1', () => {
    const labels = tf.tensor1d([-1, 0, 2], 'int32');
    expect(oneHotRows(labels, 3).arraySync()).to.deep.equal([[0, 0, 0], [1, 0, 0], [0, 0, 1]]);
    expect(oneHotRows(labels, 1).arraySync()).to.deep.equal([[0], [1], [0]]);
    labels.dispose();
  });

  it('the queue keeps class labels aligned with the keys, -1 where none were given', () => {
    const queue = labelledQueue();
    expect(Array.from(queue.classLabels.dataSync())).to.deep.equal([0, 0, 1, 2, -1, 1]);
    expect(queue.hasClassLabels).to.equal(true);
    expect(() => new MemoryQueue({ size: 2, keyDim: 2 }).classLabels).to.throw(/keeps no class labels/);
    queue.dispose();
  });

  it('hard positives: precision over the mined slots of known class, mean positives, chance over known slots', () => {
    const queue = labelledQueue();
    const classes = tf.tensor1d([0, 2], 'int32');
    // Query 0 (class 0) mines slots 0, 1, 2 and the unknown 4: 2 of 3 known are class 0.
    // Query 1 (class 2) mines slots 3 (class 2) and 5 (class 1): 1 of 2.
    const positives = tf.tensor2d([[1, 1, 1, 0, 1, 0], [0, 0, 0, 1, 0, 1]]);
    const measured = measureMiner({ kind: 'positives', positives }, queue, classes, 3)!;
    expect(measured.precision).to.be.closeTo(3 / 5, 1e-6);
    expect(measured.positives).to.be.closeTo(6 / 2, 1e-6);
    // Known slots: 5; class 0 holds 2 of them, class 2 holds 1.
    expect(measured.chance).to.be.closeTo((2 / 5 + 1 / 5) / 2, 1e-6);
    tf.dispose([classes, positives]);
    queue.dispose();
  });

  it('knn: measures the mask the miner returns', () => {
    const queue = labelledQueue([[1, 0], [0.9, 0.1], [0, 1], [-1, 0], [0.8, 0.2], [0.1, 0.9]]);
    const classes = tf.tensor1d([0, 1], 'int32');
    const t = tf.tensor2d([[1, 0], [0, 1]]);
    // Query 0 mines slots 0, 1 (class 0, 0); query 1 mines slots 2, 5 (class 1, 1).
    const mining = knnMiner(2).mine(t, queue);
    expect(measureMiner(mining, queue, classes, 3)).to.deep.equal({ precision: 1, positives: 2, chance: 2 / 5 });
    if (mining.kind === 'positives') mining.positives.dispose();
    tf.dispose([classes, t]);
    queue.dispose();
  });

  it('soft: the target mass on slots of the query class, among slots of known class', () => {
    // Teacher similarities ln(w) make the target p = w / sum(w) with w = 1, 2, 3, 1, 2, 1.
    const weights = [1, 2, 3, 1, 2, 1];
    const queue = labelledQueue(weights.map((w) => [Math.log(w), 0]));
    const classes = tf.tensor1d([0], 'int32');
    const t = tf.tensor2d([[1, 0]]);
    const measured = measureMiner(softMiner(1).mine(t, queue), queue, classes, 3)!;
    // Class 0 holds slots 0, 1 (mass 3/10); known slots hold 8/10.
    expect(measured.precision).to.be.closeTo(3 / 8, 1e-6);
    expect(measured.positives).to.equal(undefined);
    expect(measured.chance).to.be.closeTo(2 / 5, 1e-6);
    tf.dispose([classes, t]);
    queue.dispose();
  });

  it('measures nothing while warming up, from an empty queue or from slots of unknown class', () => {
    const classes = tf.tensor1d([0], 'int32');
    const empty = new MemoryQueue({ size: 4, keyDim: 2, teacherDim: 2, classLabels: true });
    const t = tf.tensor2d([[1, 0]]);
    expect(measureMiner({ kind: 'instance' }, labelledQueue(), classes, 3)).to.equal(undefined);
    const none = knnMiner(2).mine(t, empty);
    expect(measureMiner(none, empty, classes, 3)).to.equal(undefined);
    tf.tidy(() => empty.enqueue({ keys: t, teacher: t }));
    const unknown = knnMiner(2).mine(t, empty);
    expect(measureMiner(unknown, empty, classes, 3)).to.equal(undefined);
    tf.dispose([classes, t, ...[none, unknown].map((m) => (m as Extract<Mining, { kind: 'positives' }>).positives)]);
    empty.dispose();
  });

  it('gives no precision when every mined slot is of unknown class, and refuses a class count that does not fit', () => {
    const queue = labelledQueue();
    const positives = tf.tensor2d([[0, 0, 0, 0, 1, 0]]);
    const measured = measureMiner({ kind: 'positives', positives }, queue, tf.tensor1d([1], 'int32'), 3);
    expect(measured).to.deep.equal({ positives: 1, chance: 2 / 5 });
    expect(() => measureMiner({ kind: 'positives', positives }, queue, tf.tensor1d([1, 2], 'int32'), 3)).to.throw(/one class per query, got 2/);
    positives.dispose();
    queue.dispose();
  });
});
