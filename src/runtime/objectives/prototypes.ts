/**
 * The dynamic prototype bank of the `prototype` miner: M unit vectors in teacher space that label
 * teacher embeddings by their nearest prototype, follow their assignments by EMA and are re-seeded
 * when unused. Seeding uses k-means++ over a warm-up buffer of teacher embeddings.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng, RngState } from '../random.ts';
import { expectMatrix, normalizeRows, similarities } from './rows.ts';
import { type SavedState, savedCount, savedTensor } from './state.ts';

/** y = argmax_m t·c_m for every row of t (int32 labels). */
export function prototypeLabels(t: tf.Tensor2D, prototypes: tf.Tensor2D): tf.Tensor1D {
  expectMatrix('prototypes', prototypes);
  expectMatrix('t', t, prototypes.shape[1]);
  return tf.tidy(() => tf.argMax(similarities(t, prototypes), 1) as tf.Tensor1D);
}

/**
 * Every prototype that received assignments moves to norm(β c_m + (1 - β) mean(t assigned to m));
 * the others stay as they are.
 */
export function updatePrototypes(prototypes: tf.Tensor2D, t: tf.Tensor2D, labels: tf.Tensor1D, beta: number): tf.Tensor2D {
  expectMatrix('prototypes', prototypes);
  expectMatrix('t', t, prototypes.shape[1]);
  if (labels.shape[0] !== t.shape[0]) throw new Error(`labels must have ${t.shape[0]} entries, got ${labels.shape[0]}`);
  if (!(beta >= 0 && beta <= 1)) throw new Error(`beta must be in [0, 1], got ${beta}`);
  return tf.tidy(() => {
    const assignment = tf.oneHot(tf.cast(labels, 'int32'), prototypes.shape[0]); // B x M
    const counts = tf.transpose(tf.sum(assignment, 0, true)); // M x 1
    const means = tf.div(tf.matMul(assignment, t, true, false), tf.maximum(counts, 1));
    const moved = normalizeRows(tf.add(tf.mul(prototypes, beta), tf.mul(means, 1 - beta)));
    return tf.where(tf.greater(tf.tile(counts, [1, prototypes.shape[1]]), 0), moved, prototypes);
  });
}

/** k-means++ seeding: `count` row indices of `rows` (n x dim, row-major), far apart with high probability. */
export function kMeansPlusPlus(rows: Float32Array, dim: number, count: number, rng: Rng): number[] {
  const n = rows.length / dim;
  if (count > n) throw new Error(`k-means++ needs at least ${count} rows, got ${n}`);
  const nearest = new Float64Array(n).fill(Infinity);
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  let next = rng.int(n);
  while (chosen.length < count) {
    chosen.push(next);
    taken[next] = 1;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const diff = rows[i * dim + j] - rows[next * dim + j];
        d2 += diff * diff;
      }
      if (d2 < nearest[i]) nearest[i] = d2;
      if (!taken[i]) total += nearest[i];
    }
    next = total > 0 ? drawByWeight(nearest, taken, total, rng) : drawUntaken(taken, rng);
  }
  return chosen;
}

function drawByWeight(weights: Float64Array, taken: Uint8Array, total: number, rng: Rng): number {
  let remaining = rng.next() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (taken[i]) continue;
    last = i;
    remaining -= weights[i];
    if (remaining < 0) return i;
  }
  return last; // rounding left a sliver of weight: take the last candidate
}

/** All remaining rows coincide with chosen ones: any untaken row will do. */
function drawUntaken(taken: Uint8Array, rng: Rng): number {
  const free: number[] = [];
  for (let i = 0; i < taken.length; i++) if (!taken[i]) free.push(i);
  return free[rng.int(free.length)];
}

export interface PrototypeBankOptions {
  /** M, the number of prototypes. */
  count: number;
  /** Width of the teacher embeddings. */
  dim: number;
  beta: number;
  /** Steps without assignments after which a prototype is re-seeded. */
  reseedAfter: number;
  /** Steps that only fill the warm-up buffer before seeding (the loss falls back to L_ins). */
  warmupSteps: number;
  /** The bank's own stream (seeding and re-seeding draws); its state is checkpointed with the bank. */
  rng: Rng;
  /** Rows kept in the warm-up buffer (the newest); default 10 x count. */
  bufferSize?: number;
}

export class PrototypeBank {
  readonly count: number;
  readonly dim: number;
  private readonly options: PrototypeBankOptions;
  private readonly bufferSize: number;
  private bank: tf.Tensor2D | undefined;
  private buffer: Float32Array;
  private stepsObserved = 0;
  private idleSteps: Int32Array;

  constructor(options: PrototypeBankOptions) {
    if (!Number.isInteger(options.count) || options.count < 1) throw new Error(`prototypes must be an integer >= 1, got ${options.count}`);
    this.options = options;
    this.count = options.count;
    this.dim = options.dim;
    this.bufferSize = Math.max(options.bufferSize ?? 10 * options.count, options.count);
    this.buffer = new Float32Array(0);
    this.idleSteps = new Int32Array(options.count);
  }

  get seeded(): boolean {
    return this.bank !== undefined;
  }

  /** The M x dim prototypes. Owned by the bank: valid until the next update. */
  get prototypes(): tf.Tensor2D {
    if (this.bank === undefined) throw new Error('the prototype bank is not seeded yet');
    return this.bank;
  }

  /**
   * One warm-up step: buffers the teacher embeddings and seeds the bank once `warmupSteps` steps
   * have passed and the buffer holds at least M embeddings. Returns whether the bank is seeded.
   */
  observe(t: tf.Tensor2D): boolean {
    if (this.bank !== undefined) return true;
    expectMatrix('t', t, this.dim);
    this.stepsObserved += 1;
    const rows = t.dataSync() as Float32Array;
    const joined = new Float32Array(this.buffer.length + rows.length);
    joined.set(this.buffer);
    joined.set(rows, this.buffer.length);
    this.buffer = joined.slice(Math.max(0, joined.length - this.bufferSize * this.dim));
    if (this.stepsObserved > this.options.warmupSteps && this.buffer.length / this.dim >= this.count) {
      const picks = kMeansPlusPlus(this.buffer, this.dim, this.count, this.options.rng);
      const seeds = new Float32Array(this.count * this.dim);
      picks.forEach((row, m) => seeds.set(this.buffer.subarray(row * this.dim, (row + 1) * this.dim), m * this.dim));
      this.bank = tf.keep(tf.tensor2d(seeds, [this.count, this.dim])); // owned across the caller's tf.tidy
      this.buffer = new Float32Array(0);
    }
    return this.bank !== undefined;
  }

  /** Labels of teacher embeddings: the index of their nearest prototype. */
  assign(t: tf.Tensor2D): tf.Tensor1D {
    return prototypeLabels(t, this.prototypes);
  }

  /**
   * After the loss: EMA update of the prototypes with this batch's assignments, then re-seeding of
   * every prototype idle for `reseedAfter` steps from a random embedding of this batch.
   */
  update(t: tf.Tensor2D, labels: tf.Tensor1D): void {
    const assigned = labels.dataSync();
    const hit = new Uint8Array(this.count);
    for (const label of assigned) hit[label] = 1;
    const stale: number[] = [];
    for (let m = 0; m < this.count; m++) {
      this.idleSteps[m] = hit[m] ? 0 : this.idleSteps[m] + 1;
      if (this.idleSteps[m] >= this.options.reseedAfter) stale.push(m);
    }
    const next = tf.tidy(() => {
      const moved = updatePrototypes(this.prototypes, t, labels, this.options.beta);
      if (stale.length === 0) return moved;
      const source = new Int32Array(this.count);
      const replace = new Float32Array(this.count);
      for (const m of stale) {
        source[m] = this.options.rng.int(t.shape[0]);
        replace[m] = 1;
        this.idleSteps[m] = 0;
      }
      const mask = tf.tensor2d(replace, [this.count, 1]);
      return tf.add(tf.mul(moved, tf.sub(1, mask)), tf.mul(tf.gather(t, tf.tensor1d(source, 'int32')), mask)) as tf.Tensor2D;
    });
    this.bank!.dispose();
    this.bank = tf.keep(next);
  }

  /** Prototypes (when seeded) and warm-up buffer as tensors the caller disposes; counters and RNG as JSON. */
  exportState(): SavedState {
    const tensors: Record<string, tf.Tensor> = {
      warmup: tf.tensor2d(this.buffer, [this.buffer.length / this.dim, this.dim]),
    };
    if (this.bank) tensors.prototypes = tf.clone(this.bank);
    return {
      tensors,
      json: {
        seeded: this.seeded,
        stepsObserved: this.stepsObserved,
        idleSteps: Array.from(this.idleSteps),
        rng: this.options.rng.getState(),
      },
    };
  }

  restoreState(state: SavedState): void {
    const owner = 'prototype bank';
    const idle = state.json.idleSteps;
    if (!Array.isArray(idle) || idle.length !== this.count || !idle.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new Error(`prototype bank state field 'idleSteps' must list ${this.count} integers >= 0`);
    }
    const rng = state.json.rng;
    if (!Array.isArray(rng) || rng.length !== 4) throw new Error(`prototype bank state field 'rng' must be an RNG state of 4 words`);
    const warmup = savedTensor(state, owner, 'warmup', [-1, this.dim]);
    const bank = state.json.seeded === true ? savedTensor(state, owner, 'prototypes', [this.count, this.dim]) : undefined;
    this.stepsObserved = savedCount(state, owner, 'stepsObserved');
    this.idleSteps = Int32Array.from(idle as number[]);
    this.options.rng.setState(rng as RngState);
    this.buffer = Float32Array.from(warmup.dataSync());
    this.bank?.dispose();
    this.bank = bank && tf.keep(tf.clone(bank) as tf.Tensor2D);
  }

  dispose(): void {
    this.bank?.dispose();
    this.bank = undefined;
  }
}
