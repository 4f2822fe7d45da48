/**
 * The settings a training run is composed from, as plain data: the resolved experiment's values
 * (camelCase of the .rekd language's names; every value given, defaults are the compiler's job).
 */
import type { MinerOptions } from '../objectives/miners.ts';

/** `instance moco`: InfoNCE against the momentum key and the queue. */
export interface InstanceTerm {
  weight: number;
  temperature: number;
  /** Adds the same loss with the two views swapped. */
  symmetric: boolean;
  /** BatchNorm groups of the query and key forwards (MoCo's shuffling BN on one device); 1: the whole batch. */
  bnGroups: number;
}

/**
 * `relation rekd`: supervised contrast with the teacher's mined relations as labels. The miner's
 * knobs (miner, prototypes, beta, reseedAfter, warmupSteps, k, teacherTemperature) are those of
 * the objectives module's createMiner.
 */
export interface RekdTerm extends Omit<MinerOptions, 'teacherDim' | 'rng'> {
  kind: 'rekd';
  weight: number;
  temperature: number;
}

/** `relation seed`: the student's similarity distribution over [t_i; D] matches the teacher's. */
export interface SeedTerm {
  kind: 'seed';
  weight: number;
  studentTemperature: number;
  teacherTemperature: number;
}

/** `relation compress`: KL between teacher and student similarity distributions over aligned queues. */
export interface CompressTerm {
  kind: 'compress';
  weight: number;
  temperature: number;
}

export type RelationTerm = RekdTerm | SeedTerm | CompressTerm;

export interface ObjectiveSettings {
  /** K, slots of the key queue (from `instance moco`, or its default without one). */
  queue: number;
  /** m of the momentum key encoder. */
  momentum: number;
  instance?: InstanceTerm;
  relation?: RelationTerm;
  /** Cross-entropy through a linear classifier on the backbone features (the upper bound). */
  supervised?: { weight: number };
}

export type OptimizerSettings =
  | { kind: 'sgd'; lr: number; momentum: number; nesterov: boolean; weightDecay: number }
  | { kind: 'adamw'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number };

export type ScheduleSettings =
  | { kind: 'cosine'; epochs: number; warmupEpochs: number; finalLr: number }
  | { kind: 'step'; epochs: number; warmupEpochs: number; milestones: readonly number[]; gamma: number };

/** kNN accuracy on a subset during training. */
export interface KnnMonitorSettings {
  k: number;
  temperature: number;
  /** Epochs between evaluations; 0 turns them off. */
  every: number;
  /** Train and test images used (at most this many of each). */
  subset: number;
}
