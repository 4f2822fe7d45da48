/**
 * Short training runs on synthetic clustered data: a linear student (with a momentum key encoder)
 * learns from a fixed teacher through each objective. Checks the losses go down, the prototype
 * miner's assignments follow the true clusters, and no tensors leak from step to step.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import { compressLoss, instanceContrast, seedLoss } from '../../src/runtime/objectives/losses.ts';
import { MemoryQueue } from '../../src/runtime/objectives/queue.ts';
import { createMiner, disposeMining, type MinerName, type Mining, PrototypeMiner, rekdLoss, type RelationMiner } from '../../src/runtime/objectives/miners.ts';
import { normalizeRows } from '../../src/runtime/objectives/rows.ts';

const CLASSES = 4;
const INPUT = 16;
const EMBED = 8;
const BATCH = 32;
const STEPS = 80;

interface Batch {
  view1: tf.Tensor2D;
  view2: tf.Tensor2D;
  classes: number[];
}

/** Well-separated class centres plus per-sample noise; two views add a little more noise each. */
function clusteredData(seed: number): (size: number) => Batch {
  const rng = new Rng(seed);
  const centres = Array.from({ length: CLASSES }, () => Array.from({ length: INPUT }, () => rng.normal() / Math.sqrt(INPUT)));
  return (size) => {
    const classes = Array.from({ length: size }, () => rng.int(CLASSES));
    const samples = classes.map((c) => centres[c].map((v) => v + 0.08 * rng.normal()));
    const view = (): tf.Tensor2D => tf.tensor2d(samples.map((s) => s.map((v) => v + 0.04 * rng.normal())));
    return { view1: view(), view2: view(), classes };
  };
}

interface Step {
  q: tf.Tensor2D;
  k: tf.Tensor2D;
  t: tf.Tensor2D;
  queue: MemoryQueue;
  mining: Mining | undefined;
}

/** Mean entropy of softmax(logits) rows: the least cross-entropy any student can reach to that target. */
function meanEntropy(logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.softmax(logits), tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/**
 * Each objective with its floor: the lowest value the loss can take for this batch and queue
 * (log |P'(i)| for hard positives, the target's entropy for soft targets), so progress is measured
 * as the part of the loss that learning can remove.
 */
const objectives: Record<string, { miner?: MinerName; loss: (s: Step) => tf.Scalar; floor: (s: Step) => tf.Scalar }> = {
  'instance moco': { loss: (s) => instanceContrast(s.q, s.k, s.queue.keys, 0.2), floor: () => tf.scalar(0) },
  'relation rekd (prototype)': { miner: 'prototype', loss: (s) => rekdLoss(s.q, s.k, s.queue, s.mining!, 0.1), floor: rekdFloor },
  'relation rekd (knn)': { miner: 'knn', loss: (s) => rekdLoss(s.q, s.k, s.queue, s.mining!, 0.1), floor: rekdFloor },
  'relation rekd (soft)': { miner: 'soft', loss: (s) => rekdLoss(s.q, s.k, s.queue, s.mining!, 0.1), floor: rekdFloor },
  'relation seed': {
    loss: (s) => seedLoss(s.q, s.t, s.queue.teacher, 0.2, 0.05),
    floor: (s) => meanEntropy(tf.div(tf.concat([tf.sum(tf.mul(s.t, s.t), 1, true), tf.matMul(s.t, s.queue.teacher, false, true)], 1), 0.05) as tf.Tensor2D),
  },
  'relation compress': { loss: (s) => compressLoss(s.q, s.t, s.queue.keys, s.queue.teacher, 0.1), floor: () => tf.scalar(0) },
};

function rekdFloor(s: Step): tf.Scalar {
  const mining = s.mining!;
  // Empty queue: nothing to learn yet (and wasm reductions over an empty axis return garbage).
  if (s.queue.count === 0) return tf.scalar(0);
  if (mining.kind === 'positives') return tf.mean(tf.log(tf.add(tf.sum(mining.positives, 1), 1))) as tf.Scalar;
  if (mining.kind === 'soft') return meanEntropy(tf.div(tf.matMul(s.t, s.queue.teacher, false, true), mining.teacherTemperature) as tf.Tensor2D);
  return tf.scalar(0);
}

interface Run {
  /** Loss minus its floor, per step. */
  losses: number[];
  liveTensors: number[];
  miner: RelationMiner | undefined;
  teacher: (x: tf.Tensor2D) => tf.Tensor2D;
  /** The teacher's weights (disposed after the tests). */
  projection: tf.Tensor2D;
  data: (size: number) => Batch;
}

function train(objective: (typeof objectives)[string], seed: number): Run {
  const data = clusteredData(seed);
  const init = new Rng(seed + 1);
  const matrix = (scale: number): tf.Tensor2D =>
    tf.tensor2d(Float32Array.from({ length: INPUT * EMBED }, () => scale * init.normal()), [INPUT, EMBED]);
  const projection = matrix(1);
  const teacher = (x: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => normalizeRows(tf.matMul(x, projection)));
  const student = tf.tidy(() => tf.variable(matrix(0.5)));
  const keyEncoder = tf.tidy(() => tf.variable(student.clone()));
  const queue = new MemoryQueue({ size: 64, keyDim: EMBED, teacherDim: EMBED, labels: true });
  const miner =
    objective.miner &&
    createMiner({
      // One prototype per class and k about the number of same-class slots (64 / 4): the mined
      // positives then cover the whole class, so the student can reach the loss floor.
      miner: objective.miner, teacherDim: EMBED, prototypes: CLASSES, beta: 0.9, reseedAfter: 50, warmupSteps: 2, k: 16,
      teacherTemperature: 0.05, rng: new Rng(seed + 2),
    });
  const optimizer = tf.train.momentum(0.05, 0.9);
  const losses: number[] = [];
  const liveTensors: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const batch = data(BATCH);
    tf.tidy(() => {
      const k = normalizeRows(tf.matMul(batch.view2, keyEncoder));
      const t = teacher(batch.view2);
      const mining = miner?.mine(t, queue);
      const step: Omit<Step, 'q'> = { k, t, queue, mining };
      const loss = optimizer.minimize(() => objective.loss({ ...step, q: normalizeRows(tf.matMul(batch.view1, student)) }), true, [student])!;
      losses.push(loss.dataSync()[0] - objective.floor({ ...step, q: k }).dataSync()[0]);
      if (mining) miner!.update(t, mining);
      queue.enqueue({ keys: k, teacher: t, labels: mining?.labels });
      if (mining) disposeMining(mining);
      keyEncoder.assign(tf.add(tf.mul(keyEncoder, 0.9), tf.mul(student, 0.1)));
    });
    tf.dispose([batch.view1, batch.view2]);
    liveTensors.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  tf.dispose([student, keyEncoder]);
  queue.dispose();
  return { losses, liveTensors, miner, teacher, projection, data };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Fraction of samples whose cluster's most common true class is their own class. */
function purity(assigned: number[], classes: number[]): number {
  const votes = new Map<number, number[]>();
  assigned.forEach((a, i) => {
    const counts = votes.get(a) ?? new Array(CLASSES).fill(0);
    counts[classes[i]] += 1;
    votes.set(a, counts);
  });
  let agreeing = 0;
  for (const counts of votes.values()) agreeing += Math.max(...counts);
  return agreeing / classes.length;
}

describe('objectives: short training runs on synthetic clusters', function () {
  this.timeout(60000);
  const runs: Record<string, Run> = {};

  before(async () => {
    await initBackend('wasm');
    for (const [name, objective] of Object.entries(objectives)) runs[name] = train(objective, 21);
  });

  after(() => {
    Object.values(runs).forEach((run) => {
      run.miner?.dispose();
      run.projection.dispose();
    });
  });

  for (const name of Object.keys(objectives)) {
    it(`${name}: the removable part of the loss goes down once the queue is full`, () => {
      const { losses } = runs[name];
      losses.forEach((l, step) => expect(Number.isFinite(l), `step ${step}: ${l}`).to.equal(true));
      const early = mean(losses.slice(3, 13)); // queue of 64 full after 2 batches of 32; warm-up 2 steps
      const late = mean(losses.slice(-10));
      expect(late, `early ${early.toFixed(3)} -> late ${late.toFixed(3)}`).to.be.below(0.8 * early);
    });

    it(`${name}: the number of live tensors stays constant from step to step`, () => {
      expect(new Set(runs[name].liveTensors.slice(3)).size).to.equal(1);
    });
  }

  it('relation rekd (prototype): prototype assignments agree with the true clusters far above chance', () => {
    const run = runs['relation rekd (prototype)'];
    const bank = (run.miner as PrototypeMiner).bank;
    const held = run.data(512);
    const assigned = tf.tidy(() => Array.from(bank.assign(run.teacher(held.view1)).dataSync()));
    const shuffled = new Rng(5).shuffle(assigned.slice());
    const agreement = purity(assigned, held.classes);
    const chance = purity(shuffled as number[], held.classes);
    tf.dispose([held.view1, held.view2]);
    expect(agreement, `purity ${agreement.toFixed(3)}, chance ${chance.toFixed(3)}`).to.be.at.least(0.95);
    expect(chance).to.be.below(0.5);
  });
});
