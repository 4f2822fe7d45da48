/**
 * Relation miners: what the teacher tells the student about the current batch relative to the
 * queue. A training step calls, in this order:
 *   const mining = miner.mine(t, queue);                          // before the loss, no gradient
 *   loss = rekdLoss(q, k, queue, mining, temperature);            // inside the optimiser step
 *   miner.update(t, mining);                                      // after the loss
 *   queue.enqueue({ keys: k, teacher: t, labels: mining.labels }); disposeMining(mining);
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.ts';
import { instanceContrast, relationContrast, softRelation } from './losses.ts';
import { PrototypeBank } from './prototypes.ts';
import type { MemoryQueue } from './queue.ts';
import { oneHotRows, similarities } from './rows.ts';
import { type SavedState } from './state.ts';

export type MinerName = 'prototype' | 'knn' | 'soft';

/** The result of mining one batch. Tensors in it are owned by the mining (see disposeMining). */
export type Mining =
  /** The miner is still warming up: the relation term falls back to L_ins. */
  | { kind: 'instance'; labels?: undefined }
  /** Hard positives: a B x count 0/1 mask over the filled queue slots (labels: prototype miner). */
  | { kind: 'positives'; positives: tf.Tensor2D; labels?: tf.Tensor1D }
  /** Soft target: the teacher embeddings of the batch (borrowed from the caller, not owned). */
  | { kind: 'soft'; teacher: tf.Tensor2D; teacherTemperature: number; labels?: undefined };

export interface RelationMiner {
  readonly name: MinerName;
  mine(t: tf.Tensor2D, queue: MemoryQueue): Mining;
  update(t: tf.Tensor2D, mining: Mining): void;
  exportState(): SavedState;
  restoreState(state: SavedState): void;
  dispose(): void;
}

/** The `relation rekd` loss for a mined batch; `queue` must keep teacher embeddings for `soft`. */
export function rekdLoss(q: tf.Tensor2D, k: tf.Tensor2D, queue: MemoryQueue, mining: Mining, temperature: number): tf.Scalar {
  switch (mining.kind) {
    case 'instance':
      return instanceContrast(q, k, queue.keys, temperature);
    case 'positives':
      return relationContrast(q, k, queue.keys, mining.positives, temperature);
    case 'soft':
      return softRelation(q, queue.keys, mining.teacher, queue.teacher, temperature, mining.teacherTemperature);
  }
}

export function disposeMining(mining: Mining): void {
  if (mining.kind === 'positives') {
    mining.positives.dispose();
    mining.labels?.dispose();
  }
}

const stateless = {
  update(): void {},
  exportState(): SavedState {
    return { tensors: {}, json: {} };
  },
  restoreState(): void {},
  dispose(): void {},
};

/** `knn`: the positives of query i are the k queue slots whose teacher embeddings are closest to t_i. */
export function knnMiner(k: number): RelationMiner {
  if (!Number.isInteger(k) || k < 1) throw new Error(`knn miner k must be an integer >= 1, got ${k}`);
  return {
    name: 'knn',
    ...stateless,
    mine(t, queue) {
      const slots = queue.count;
      const positives = tf.tidy(() => {
        if (slots === 0) return tf.zeros([t.shape[0], 0]) as tf.Tensor2D;
        const nearest = tf.topk(similarities(t, queue.teacher), Math.min(k, slots)).indices; // B x k
        return tf.sum(oneHotRows(nearest, slots), 1) as tf.Tensor2D;
      });
      return { kind: 'positives', positives };
    },
  };
}

/** `soft`: target softmax(t_i·t_j/τ_t) over the queue slots. */
export function softMiner(teacherTemperature: number): RelationMiner {
  if (!(teacherTemperature > 0)) throw new Error(`soft miner teacher_temperature must be > 0, got ${teacherTemperature}`);
  return {
    name: 'soft',
    ...stateless,
    mine(t) {
      return { kind: 'soft', teacher: t, teacherTemperature };
    },
  };
}

/**
 * `prototype` (ReKD): label t by its nearest prototype; the positives of query i are the queue slots
 * with the same label. Slots keep the label mined when they were enqueued; the slots enqueued during
 * warm-up are labelled by the freshly seeded bank.
 */
export class PrototypeMiner implements RelationMiner {
  readonly name = 'prototype' as const;
  readonly bank: PrototypeBank;

  constructor(bank: PrototypeBank) {
    this.bank = bank;
  }

  mine(t: tf.Tensor2D, queue: MemoryQueue): Mining {
    if (!queue.hasLabels) throw new Error('the prototype miner needs a queue that keeps relation labels');
    if (!this.bank.seeded) {
      if (!this.bank.observe(t)) return { kind: 'instance' };
      if (queue.count > 0) {
        const labels = this.bank.assign(queue.teacher);
        queue.relabel(labels);
        labels.dispose();
      }
    }
    const labels = this.bank.assign(t);
    // Same label = the product of one-hot labels (unlabelled slots, -1, have none): on wasm this
    // costs a sixth of comparing B x K labels with tf.equal.
    const positives = tf.tidy(() => {
      const count = this.bank.count;
      return tf.matMul(oneHotRows(labels, count), oneHotRows(queue.labels, count), false, true) as tf.Tensor2D;
    });
    return { kind: 'positives', positives, labels };
  }

  update(t: tf.Tensor2D, mining: Mining): void {
    if (mining.kind === 'positives' && mining.labels) this.bank.update(t, mining.labels);
  }

  exportState(): SavedState {
    return this.bank.exportState();
  }

  restoreState(state: SavedState): void {
    this.bank.restoreState(state);
  }

  dispose(): void {
    this.bank.dispose();
  }
}

export interface MinerOptions {
  miner: MinerName;
  /** Width of the teacher embeddings (prototype miner). */
  teacherDim: number;
  /** M (prototype miner). */
  prototypes: number;
  beta: number;
  reseedAfter: number;
  warmupSteps: number;
  /** k (knn miner). */
  k: number;
  /** τ_t (soft miner). */
  teacherTemperature: number;
  /** The miner's own stream, e.g. `rng.fork('miner')`. */
  rng: Rng;
}

/** The miner a `relation rekd` term names, built from its resolved attributes. */
export function createMiner(options: MinerOptions): RelationMiner {
  switch (options.miner) {
    case 'prototype':
      return new PrototypeMiner(
        new PrototypeBank({
          count: options.prototypes,
          dim: options.teacherDim,
          beta: options.beta,
          reseedAfter: options.reseedAfter,
          warmupSteps: options.warmupSteps,
          rng: options.rng,
        }),
      );
    case 'knn':
      return knnMiner(options.k);
    case 'soft':
      return softMiner(options.teacherTemperature);
  }
}
