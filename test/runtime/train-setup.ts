/** Tiny training runs for the train tests: synthetic clusters, alexnet at width 1/8, a few steps. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeSynthetic } from '../../src/runtime/data/synthetic.ts';
import { createEncoder, type Encoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { openRunDirectory, type RunDirectory } from '../../src/runtime/run/directory.ts';
import { train, type TrainOptions, type TrainResult } from '../../src/runtime/train/loop.ts';
import type { ObjectiveSettings, RekdTerm, RelationTerm } from '../../src/runtime/train/settings.ts';
import type { PretrainOptions } from '../../src/runtime/train/pretrain.ts';
import type { TeacherSpec } from '../../src/runtime/train/teacher.ts';

export const CLASSES = 4;
export const data = makeSynthetic({ classes: CLASSES, size: 12, count: 64, testCount: 32 });
export const BATCH = 16;

export function tinyEncoder(seed: number, name: string): Encoder {
  return createEncoder({ kind: 'alexnet', width: 0.125, embed: 16, inChannels: 1, rng: new Rng(seed).fork(name) });
}

export const instance = { weight: 1, temperature: 0.2, symmetric: false, bnGroups: 1 };

export const rekd: RekdTerm = {
  kind: 'rekd', weight: 1, temperature: 0.1, miner: 'prototype', prototypes: 8, beta: 0.9, reseedAfter: 50,
  warmupSteps: 0, k: 3, teacherTemperature: 0.05,
};

export const relations: Record<string, RelationTerm> = {
  'rekd prototype': rekd,
  seed: { kind: 'seed', weight: 1, studentTemperature: 0.2, teacherTemperature: 0.05 },
  compress: { kind: 'compress', weight: 1, temperature: 0.1 },
};

export function tempRun(resolved: unknown = { name: 'tiny' }): RunDirectory {
  return openRunDirectory(fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-train-')), { resolved });
}

export interface TinyOptions {
  run: RunDirectory;
  objective: Omit<ObjectiveSettings, 'queue' | 'momentum'>;
  teacher?: 'online' | 'offline' | TeacherSpec;
  epochs?: number;
  lr?: number;
  seed?: number;
  checkpointEvery?: number;
  logEvery?: number;
  /** Receives every progress line (and may act on it, e.g. raise SIGINT). */
  onLine?: (line: string) => void;
  knn?: TrainOptions['knn'];
  /** A weak pipeline: the teacher's view. */
  weak?: TrainOptions['loader']['weak'];
}

export interface TinyRun {
  result: TrainResult;
  student: Encoder;
  teacher?: TeacherSpec;
}

export async function tinyTrain(options: TinyOptions): Promise<TinyRun> {
  const seed = options.seed ?? 0;
  const teacher: TeacherSpec | undefined = typeof options.teacher === 'string'
    ? options.teacher === 'online'
      ? { mode: 'online', encoder: tinyEncoder(seed, 'teacher'), temperature: 0.2, queue: BATCH, momentum: 0.9 }
      : { mode: 'offline', encoder: tinyEncoder(seed, 'teacher') }
    : options.teacher;
  const student = tinyEncoder(seed, 'student');
  const result = await train({
    run: options.run,
    data,
    seed,
    loader: {
      batchSize: BATCH, augment: [{ op: 'random_resized_crop', scale: [0.6, 1] }, { op: 'horizontal_flip' }], weak: options.weak, workers: 0,
    },
    student,
    teacher,
    objective: { queue: BATCH, momentum: 0.9, ...options.objective },
    optimizer: { kind: 'sgd', lr: options.lr ?? 0.02, momentum: 0.9, nesterov: false, weightDecay: 5e-4 },
    schedule: { kind: 'cosine', epochs: options.epochs ?? 3, warmupEpochs: 0, finalLr: 0 },
    checkpointEvery: options.checkpointEvery ?? 0,
    logEvery: options.logEvery ?? 4,
    knn: options.knn,
    progress: { write: (text: string) => options.onLine?.(text), isTTY: false },
  });
  return { result, student, teacher };
}

/** A one-epoch pretrain stage of a tiny teacher (4 steps) kept in `cacheRoot`; its progress lines go to `onLine`. */
export function stageOptions(cacheRoot: string, onLine: (text: string) => void = () => {}): PretrainOptions {
  return {
    cacheRoot, data, seed: 0, epochs: 1, warmupEpochs: 0,
    encoder: { kind: 'alexnet', width: 0.125, embed: 16, inChannels: 1 },
    instance: { temperature: 0.2, queue: BATCH, momentum: 0.9, symmetric: false, bnGroups: 1 },
    loader: { batchSize: BATCH, augment: [{ op: 'horizontal_flip' }], workers: 0 },
    optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9, nesterov: false, weightDecay: 5e-4 },
    progress: { write: onLine, isTTY: false },
  };
}
