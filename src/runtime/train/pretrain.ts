/**
 * The `pretrain` stage of an offline teacher: a MoCo run of the teacher's recipe on the same data,
 * kept in a run directory named by the content hash of everything that determines its result, so
 * every experiment sharing a teacher recipe trains it once and later ones load it. An interrupted
 * pretrain resumes like any run. It ends with the frozen teacher's evaluation (kNN and collapse
 * metrics, eval.json), so a researcher sees whether the teacher has anything to teach.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { createEncoder, type Encoder, type EncoderConfig } from '../nn/encoder.ts';
import { runtimeFingerprint } from '../fingerprint.ts';
import { Rng } from '../random.ts';
import { openRunDirectory, type RunDirectory } from '../run/directory.ts';
import type { ProgressOptions } from '../run/progress.ts';
import { evaluate, type EvaluationResults } from './evaluate.ts';
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

/**
 * Returns a frozen teacher encoder with the pretrained weights, training and evaluating them first
 * if not cached; logs the teacher's kNN top-1 either way.
 */
export async function pretrainTeacher(options: PretrainOptions): Promise<Encoder> {
  const dir = pretrainDirectory(options);
  const run = openRunDirectory(dir, { resolved: pretrainRecipe(options) });
  const log = (text: string) => (options.progress ?? process.stderr).write(text + '\n');
  const rng = new Rng(options.seed).fork('teacher');
  const cached = run.status()?.state === 'finished';
  if (cached) {
    log(`teacher: pretrained weights found in ${dir}`);
  } else {
    log(`teacher: pretraining for ${options.epochs} epochs in ${dir}`);
    const student = createEncoder({ ...options.encoder, rng });
    try {
      await train({
        run, data: options.data, loader: options.loader, student, seed: options.seed,
        objective: {
          queue: options.instance.queue, momentum: options.instance.momentum,
          instance: { weight: 1, temperature: options.instance.temperature, symmetric: false },
        },
        optimizer: options.optimizer,
        schedule: { kind: 'cosine', epochs: options.epochs, warmupEpochs: 0, finalLr: 0 },
        checkpointEvery: 0, logEvery: options.logEvery ?? 10, progress: options.progress,
      });
    } finally {
      student.dispose();
    }
  }
  const teacher = loadTeacherWeights(createEncoder({ ...options.encoder, rng, trainable: false }), run.paths.latest);
  // The student evaluation's protocol with knn's defaults (the experiment's kNN settings do not
  // reach this stage). It marks the stage finished, after eval.json: a finished teacher has one.
  if (!cached) evaluate({ run, encoder: teacher, data: options.data, seed: options.seed, knn: {}, collapse: {}, log: () => {} });
  log(describeTeacher(run));
  return teacher;
}

/** The teacher's line in the log: its kNN top-1 from eval.json, or that it has none. */
function describeTeacher(run: RunDirectory): string {
  const top1 = run.readEval<EvaluationResults>()?.knn?.top1;
  return top1 === undefined
    ? `teacher: no evaluation in ${run.dir} (no eval.json: its kNN accuracy is unknown)`
    : `teacher: kNN top-1 ${(100 * top1).toFixed(1)}% (${run.dir})`;
}
