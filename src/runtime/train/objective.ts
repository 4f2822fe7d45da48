/**
 * The student's side of a training step: momentum key encoder, key queue, relation miner and
 * supervised classifier, and one small loss function per objective family. A step calls
 *   prepare (no gradient: keys, mining) -> lossTerms (inside the gradient) -> afterStep
 * (momentum update, miner update, enqueue after the loss as METHOD.md requires).
 * With a miner, the queue also keeps each slot's true class so that prepare can measure the mining
 * against the classes (objectives/diagnostics.ts); the classes never reach a loss or the miner.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withPrefix } from '../checkpoint.ts';
import type { BatchTensors } from '../data/tensors.ts';
import { forwardInGroups } from '../nn/batch-groups.ts';
import type { Encoder, EncoderOutput } from '../nn/encoder.ts';
import { createMomentumCopy, momentumUpdate } from '../nn/momentum.ts';
import { linear } from '../nn/layers.ts';
import { ParamStore } from '../nn/params.ts';
import { compressLoss, emptyQueueLoss, instanceContrast, seedLoss } from '../objectives/losses.ts';
import { measureMiner, type MinerAccuracy } from '../objectives/diagnostics.ts';
import { createMiner, disposeMining, rekdLoss, type Mining, type RelationMiner } from '../objectives/miners.ts';
import { MemoryQueue } from '../objectives/queue.ts';
import type { Rng } from '../random.ts';
import type { InstanceTerm, ObjectiveSettings, RelationTerm } from './settings.ts';

/** Tensors computed before the gradient pass; owned by the step, disposed in afterStep. */
export interface Prepared {
  /** Keys of view 2 (and of view 1 for the symmetric loss) from the momentum encoder. */
  k2?: tf.Tensor2D;
  k1?: tf.Tensor2D;
  mining?: Mining;
  /** The mining measured against the true classes (not while the miner warms up). */
  minerAccuracy?: MinerAccuracy;
}

export interface ObjectiveOptions {
  settings: ObjectiveSettings;
  student: Encoder;
  /** Classes of the data set (the supervised classifier's outputs, the miner diagnostics' classes). */
  classes: number;
  /** Width of the teacher embeddings, when a relation term needs a teacher. */
  teacherDim?: number;
  rng: Rng;
}

export class StudentObjective {
  readonly settings: ObjectiveSettings;
  readonly student: Encoder;
  readonly keyEncoder?: Encoder;
  readonly queue?: MemoryQueue;
  readonly miner?: RelationMiner;
  private readonly classes: number;
  private readonly classifierStore?: ParamStore;
  private readonly classify?: (features: tf.Tensor2D) => tf.Tensor2D;
  /** Never drawn from, only forked per step: the keys' BatchNorm groups are the same after a resume. */
  private readonly keyOrders: Rng;

  constructor(options: ObjectiveOptions) {
    const { settings, student } = options;
    this.settings = settings;
    this.student = student;
    this.classes = options.classes;
    this.keyOrders = options.rng.fork('key-order');
    const { relation } = settings;
    if (!settings.instance && !relation && !settings.supervised) throw new Error('the objective needs at least one loss term');
    if (relation && options.teacherDim === undefined) throw new Error(`relation ${relation.kind} needs a teacher`);
    if (settings.instance || relation) {
      this.keyEncoder = createMomentumCopy(student);
      this.queue = new MemoryQueue({
        size: settings.queue,
        keyDim: student.config.embed,
        teacherDim: relation ? options.teacherDim : undefined,
        labels: relation?.kind === 'rekd' && relation.miner === 'prototype',
        classLabels: relation?.kind === 'rekd',
      });
    }
    if (relation?.kind === 'rekd') {
      this.miner = createMiner({ ...relation, teacherDim: options.teacherDim!, rng: options.rng.fork('miner') });
    }
    if (settings.supervised) {
      this.classifierStore = new ParamStore(options.rng.fork('classifier'));
      const layer = linear(this.classifierStore.scope('linear'), { inFeatures: student.featureDim, outFeatures: options.classes });
      this.classify = (features) => layer(features, { training: true });
    }
  }

  /** Variables the optimiser updates, under unique prefixes. */
  trainableVariables(): Map<string, tf.Variable> {
    return new Map(Object.entries({
      ...withPrefix('student', this.student.trainableVariables()),
      ...withPrefix('classifier', this.classifierStore?.trainableVariables() ?? new Map<string, tf.Variable>()),
    }));
  }

  /** Everything a checkpoint must hold besides queue and miner state (every model variable). */
  variables(): Map<string, tf.Variable> {
    return new Map(Object.entries({
      ...withPrefix('student', this.student.state()),
      ...withPrefix('key', this.keyEncoder?.state() ?? new Map<string, tf.Variable>()),
      ...withPrefix('classifier', this.classifierStore?.all() ?? new Map<string, tf.Variable>()),
    }));
  }

  /** BatchNorm groups of the student's and the keys' forwards (`bn_groups`; 1 without an instance term). */
  private get bnGroups(): number {
    return this.settings.instance?.bnGroups ?? 1;
  }

  /** The student in training mode, its BatchNorm statistics per group of the batch. */
  private forwardStudent(x: tf.Tensor4D): EncoderOutput {
    return forwardInGroups(this.student, x, this.bnGroups, { updateStatistics: true });
  }

  /** Keys of `x`: batch statistics as MoCo's key encoder; with groups, over a shuffled order drawn for step `step` and view `view`. */
  private keys(x: tf.Tensor4D, step: number, view: number): tf.Tensor2D {
    const key = this.keyEncoder!;
    const groups = this.bnGroups;
    const order = groups > 1 ? this.keyOrders.fork(`${step}/${view}`).shuffle(Int32Array.from({ length: x.shape[0] }, (_, i) => i)) as Int32Array : undefined;
    return tf.tidy(() => forwardInGroups(key, x, groups, { updateStatistics: false, order }).embedding);
  }

  /**
   * Keys, mined relations and their accuracy against the classes: no gradient flows through them.
   * The key encoder's running statistics are copied from the student in afterStep.
   */
  prepare(inputs: BatchTensors, t: tf.Tensor2D | undefined, step: number): Prepared {
    if (!this.keyEncoder) return {};
    const k2 = this.keys(inputs.view2, step, 2);
    const k1 = this.settings.instance?.symmetric ? this.keys(inputs.view1, step, 1) : undefined;
    const mining = this.miner && t ? this.miner.mine(t, this.queue!) : undefined;
    const minerAccuracy = mining && measureMiner(mining, this.queue!, inputs.labels, this.classes);
    return { k2, k1, mining, minerAccuracy };
  }

  /** Each term's weight in the total the optimiser minimises. */
  weights(): Record<string, number> {
    const { instance, relation, supervised } = this.settings;
    const weights: Record<string, number> = {};
    if (instance) weights.instance = instance.weight;
    if (relation) weights.relation = relation.weight;
    if (supervised) weights.supervised = supervised.weight;
    return weights;
  }

  /** The student's loss terms by name, unweighted; call inside the gradient function. */
  lossTerms(inputs: BatchTensors, prepared: Prepared, t: tf.Tensor2D | undefined): Record<string, tf.Scalar> {
    const { instance, relation, supervised } = this.settings;
    const out1 = this.forwardStudent(inputs.view1);
    const terms: Record<string, tf.Scalar> = {};
    const emptyQueue = this.queue?.count === 0;
    if (instance) {
      const q2 = instance.symmetric ? this.forwardStudent(inputs.view2).embedding : undefined;
      terms.instance = emptyQueue
        ? emptyQueueLoss(out1.embedding)
        : instanceLoss(instance, this.queue!, out1.embedding, prepared.k2!, q2, prepared.k1);
    }
    if (relation) {
      terms.relation = emptyQueue
        ? emptyQueueLoss(out1.embedding)
        : relationLoss(relation, this.queue!, out1.embedding, prepared.k2!, t!, prepared.mining);
    }
    if (supervised) {
      const logits = this.classify!(out1.features);
      terms.supervised = tf.losses.softmaxCrossEntropy(tf.oneHot(inputs.labels, logits.shape[1]), logits);
    }
    return terms;
  }

  /**
   * After the optimiser step: EMA of the key encoder, miner update, enqueue (the batch never saw its
   * own keys). Only view 2's keys are queued, also with the symmetric loss: one slot per image, aligned
   * with that image's teacher embedding and label.
   */
  afterStep(inputs: BatchTensors, prepared: Prepared, t: tf.Tensor2D | undefined): void {
    if (this.keyEncoder) momentumUpdate(this.keyEncoder, this.student, this.settings.momentum);
    if (prepared.mining) this.miner!.update(t!, prepared.mining);
    if (this.queue && prepared.k2) {
      this.queue.enqueue({
        keys: prepared.k2,
        ...(this.queue.teacherDim !== undefined ? { teacher: t } : {}),
        ...(prepared.mining?.labels ? { labels: prepared.mining.labels } : {}),
        ...(this.queue.hasClassLabels ? { classLabels: inputs.labels } : {}),
      });
    }
    disposePrepared(prepared);
  }

  dispose(): void {
    this.keyEncoder?.dispose();
    this.queue?.dispose();
    this.miner?.dispose();
    this.classifierStore?.dispose();
  }
}

export function disposePrepared(prepared: Prepared): void {
  prepared.k2?.dispose();
  prepared.k1?.dispose();
  if (prepared.mining) disposeMining(prepared.mining);
}

/** InfoNCE of view 1 against view 2's key; the symmetric form adds view 2 against view 1's key. */
function instanceLoss(term: InstanceTerm, queue: MemoryQueue, q1: tf.Tensor2D, k2: tf.Tensor2D, q2?: tf.Tensor2D, k1?: tf.Tensor2D): tf.Scalar {
  const forward = instanceContrast(q1, k2, queue.keys, term.temperature);
  return q2 && k1 ? tf.add(forward, instanceContrast(q2, k1, queue.keys, term.temperature)) : forward;
}

/**
 * The relation term over a non-empty queue. Every family compares the student's query of view 1 with
 * the teacher's embedding of the other view (view 2, or the weak view), SEED and CompRess included.
 */
function relationLoss(term: RelationTerm, queue: MemoryQueue, q: tf.Tensor2D, k: tf.Tensor2D, t: tf.Tensor2D, mining?: Mining): tf.Scalar {
  switch (term.kind) {
    case 'rekd':
      return rekdLoss(q, k, queue, mining!, term.temperature);
    case 'seed':
      return seedLoss(q, t, queue.teacher, term.studentTemperature, term.teacherTemperature);
    case 'compress':
      return compressLoss(q, t, queue.keys, queue.teacher, term.temperature);
  }
}
