/**
 * The `pretrain` stage of an offline teacher: a MoCo run of the teacher's recipe on the same data,
 * kept in a run directory named by the content hash of everything that determines its result, so
 * every experiment sharing a teacher recipe trains it once and later ones load it. An interrupted
 * pretrain resumes like any run.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { createEncoder, type Encoder, type EncoderConfig } from '../nn/encoder.ts';
import { runtimeFingerprint } from '../fingerprint.ts';
import { Rng } from '../random.ts';
import { openRunDirectory } from '../run/directory.ts';
import type { ProgressOptions } from '../run/progress.ts';
import { train, type LoaderSettings } from './loop.ts';
import type { OptimizerSettings } from './settings.ts';
import { loadTeacherWeights, type OnlineTeacherSettings } from './teacher.ts';

export interface PretrainOptions {
  /** Folder holding one run directory per teacher recipe (e.g. `runs/teachers`). */
  cacheRoot: string;
  encoder: EncoderConfig;
  epochs: number;
  /** The teacher's own instance loss: temperature, queue size, momentum. */
  instance: OnlineTeacherSettings;
  data: Dataset;
  loader: LoaderSettings;
  /** The experiment's optimiser; the schedule is cosine over the pretrain epochs. */
  optimizer: OptimizerSettings;
  seed: number;
  logEvery?: number;
  progress?: ProgressOptions['stream'];
}

/** JSON with object keys sorted, so equal settings always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner);
}

/**
 * Everything the pretrained weights depend on (workers and logging do not change them), the
 * runtime's own code included.
 */
export function pretrainRecipe(options: PretrainOptions): Record<string, unknown> {
  const { encoder, epochs, instance, loader, optimizer, seed, data } = options;
  return {
    stage: 'teacher pretrain (moco)', encoder, epochs, instance, optimizer, seed, data: data.fingerprint,
    runtime: runtimeFingerprint(),
    loader: { batchSize: loader.batchSize, augment: loader.augment },
  };
}

export function pretrainDirectory(options: PretrainOptions): string {
  const hash = createHash('sha256').update(canonicalJson(pretrainRecipe(options))).digest('hex').slice(0, 16);
  return path.join(options.cacheRoot, `teacher-${hash}`);
}

/** Returns a frozen teacher encoder with the pretrained weights, training them first if not cached. */
export async function pretrainTeacher(options: PretrainOptions): Promise<Encoder> {
  const dir = pretrainDirectory(options);
  const run = openRunDirectory(dir, { resolved: pretrainRecipe(options) });
  const log = (text: string) => (options.progress ?? process.stderr).write(text + '\n');
  const rng = new Rng(options.seed).fork('teacher');
  if (run.status()?.state === 'finished') {
    log(`teacher: pretrained weights found in ${dir}`);
  } else {
    log(`teacher: pretraining for ${options.epochs} epochs in ${dir}`);
    const student = createEncoder({ ...options.encoder, rng });
    try {
      const result = await train({
        run, data: options.data, loader: options.loader, student, seed: options.seed,
        objective: {
          queue: options.instance.queue, momentum: options.instance.momentum,
          instance: { weight: 1, temperature: options.instance.temperature, symmetric: false },
        },
        optimizer: options.optimizer,
        schedule: { kind: 'cosine', epochs: options.epochs, warmupEpochs: 0, finalLr: 0 },
        checkpointEvery: 0, logEvery: options.logEvery ?? 10, progress: options.progress,
      });
      run.setStatus('finished', { step: result.steps, epoch: result.epochs });
    } finally {
      student.dispose();
    }
  }
  return loadTeacherWeights(createEncoder({ ...options.encoder, rng, trainable: false }), run.paths.latest);
}
