/**
 * The `pretrain` stage of an offline teacher: a MoCo run of the teacher's own recipe (epochs,
 * warm-up, learning rate, weight decay, batch size, symmetric loss, temperature, queue, momentum)
 * on the experiment's data and augmentation, kept in a run directory named by the content hash of
 * everything that determines its result, so every experiment sharing a teacher recipe trains it
 * once and later ones load it (`rekdc teacher import` places a shared one there). An interrupted
 * pretrain resumes like any run. It ends with the frozen teacher's evaluation (kNN, linear probe
 * and collapse metrics, eval.json), so a researcher sees whether the teacher has anything to teach.
 * A stop asked for in the stage (or just as it ends) ends the program once the stage is saved,
 * before the student trains, as an InterruptedError of the teacher stage.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { createEncoder, type Encoder, type EncoderConfig } from '../nn/encoder.ts';
import { runtimeFingerprint } from '../fingerprint.ts';
import { Rng } from '../random.ts';
import { openRunDirectory, readJson, type RunDirectory } from '../run/directory.ts';
import { canonicalJson } from '../run/identity.ts';
import { InterruptedError, stopAtBoundary } from '../run/signals.ts';
import type { ProgressOptions } from '../run/progress.ts';
import { evaluate, type EvaluationResults } from './evaluate.ts';
import { train, type LoaderSettings } from './loop.ts';
import type { OptimizerSettings } from './settings.ts';
import { describeAccuracy, loadTeacherWeights, type OnlineTeacherSettings } from './teacher.ts';

/** The `stage` of a pretrain recipe: what marks a run directory as a teacher pretrain stage. */
export const PRETRAIN_STAGE = 'teacher pretrain (moco)';

/** The stage's own MoCo loss. */
export interface PretrainInstance extends OnlineTeacherSettings {
  /** MoCo v2's symmetric loss: the loss of both view orders. */
  symmetric: boolean;
  /** BatchNorm groups (MoCo's shuffling BN on one device); 1: the whole batch. */
  bnGroups: number;
}

/** The stage's recipe, every value given (the compiler fills the unset ones from the experiment). */
export interface PretrainOptions {
  /** Folder holding one run directory per teacher recipe (e.g. `runs/teachers`). */
  cacheRoot: string;
  encoder: EncoderConfig;
  epochs: number;
  /** Linear warm-up epochs, then cosine decay to 0 over the rest. */
  warmupEpochs: number;
  instance: PretrainInstance;
  data: Dataset;
  /** The stage's batch size and the experiment's augmentation. */
  loader: LoaderSettings;
  optimizer: OptimizerSettings;
  seed: number;
  logEvery?: number;
  progress?: ProgressOptions['stream'];
}

/**
 * Everything the pretrained weights depend on (workers and logging do not change them), the
 * runtime's own code included.
 */
export function pretrainRecipe(options: PretrainOptions): Record<string, unknown> {
  const { encoder, epochs, warmupEpochs, instance, loader, optimizer, seed, data } = options;
  return {
    stage: PRETRAIN_STAGE, encoder, epochs, warmupEpochs, instance, optimizer, seed, data: data.fingerprint,
    runtime: runtimeFingerprint(),
    loader: { batchSize: loader.batchSize, augment: loader.augment },
  };
}

/** The stage directory of `recipe` in `cacheRoot`: `teacher-<16 hex digits of its hash>`. */
export function stageDirectory(cacheRoot: string, recipe: unknown): string {
  const hash = createHash('sha256').update(canonicalJson(recipe)).digest('hex').slice(0, 16);
  return path.join(cacheRoot, `teacher-${hash}`);
}

export function pretrainDirectory(options: PretrainOptions): string {
  return stageDirectory(options.cacheRoot, pretrainRecipe(options));
}

/** Where `rekdc teacher import` records the origin of a stage it placed (absent for one trained here). */
export const importRecordFile = (dir: string): string => path.join(dir, 'imported.json');

export interface ImportRecord {
  /** The teacher file, as named to `rekdc teacher import`. */
  file: string;
  /** sha256 of the whole file. */
  sha256: string;
  /** The runtime fingerprint of the rekd that trained it. */
  trainedByRuntime: string;
  importedAt: string;
}

const TEACHER_EVALUATION = 'teacher: evaluation';

/**
 * Of the teacher evaluation's messages, its figures: the stage's line (describeTeacher) gives them;
 * its first line and the notes of a stop show.
 */
const isFigure = (text: string): boolean => !text.startsWith(TEACHER_EVALUATION) && !text.startsWith('\n');

/** METHOD.md's linear protocol at eval.linear's defaults (the experiment's eval settings do not reach this stage). */
const teacherProbe = { epochs: 10, lr: 0.1, batchSize: 256, weightDecay: 0 };

/**
 * Returns a frozen teacher encoder with the pretrained weights, training and evaluating them first
 * if not cached; logs the teacher's kNN and linear top-1 either way.
 */
export async function pretrainTeacher(options: PretrainOptions): Promise<Encoder> {
  try {
    return await pretrainStage(options);
  } catch (error) {
    throw error instanceof InterruptedError ? error.inTeacherStage() : error;
  }
}

async function pretrainStage(options: PretrainOptions): Promise<Encoder> {
  const dir = pretrainDirectory(options);
  const run = openRunDirectory(dir, { resolved: pretrainRecipe(options) });
  const log = (text: string) => (options.progress ?? process.stderr).write(text + '\n');
  const rng = new Rng(options.seed).fork('teacher');
  const cached = run.status()?.state === 'finished';
  if (cached) {
    const imported = readJson<ImportRecord>(importRecordFile(dir));
    log(`teacher: pretrained weights found in ${dir}${imported ? ` (imported from ${imported.file})` : ''}`);
  } else {
    log(`teacher: pretraining for ${options.epochs} epoch${options.epochs === 1 ? '' : 's'} in ${dir}`);
    const student = createEncoder({ ...options.encoder, rng });
    try {
      await train({
        run, data: options.data, loader: options.loader, student, seed: options.seed,
        objective: {
          queue: options.instance.queue, momentum: options.instance.momentum,
          instance: { weight: 1, temperature: options.instance.temperature, symmetric: options.instance.symmetric, bnGroups: options.instance.bnGroups },
        },
        optimizer: options.optimizer,
        schedule: { kind: 'cosine', epochs: options.epochs, warmupEpochs: options.warmupEpochs, finalLr: 0 },
        checkpointEvery: 0, logEvery: options.logEvery ?? 10, progress: options.progress,
      });
    } finally {
      student.dispose();
    }
  }
  // An imported stage's checkpoint is its teacher file, whose figures the line below gives.
  const teacher = loadTeacherWeights(createEncoder({ ...options.encoder, rng, trainable: false }), run.paths.latest, () => {});
  // The student evaluation's protocol with knn's and the probe's defaults. It marks the stage
  // finished, after eval.json: a finished teacher has one.
  if (!cached) {
    await evaluate({
      run, encoder: teacher, data: options.data, seed: options.seed, knn: {}, linear: teacherProbe, collapse: {},
      title: TEACHER_EVALUATION, log: (text) => { if (!isFigure(text)) log(text); },
    });
  }
  log(describeTeacher(run));
  const stopped = stopAtBoundary(run.status()?.step ?? 0, 'complete', 'teacher');
  if (stopped) {
    teacher.dispose();
    throw stopped;
  }
  return teacher;
}

/** The teacher's line in the log: its kNN (and linear) top-1 from eval.json, or that it has none. */
function describeTeacher(run: RunDirectory): string {
  const results = run.readEval<EvaluationResults>();
  return results?.knn === undefined
    ? `teacher: no evaluation in ${run.dir} (no eval.json: its kNN accuracy is unknown)`
    : `teacher: ${describeAccuracy(results)} (${run.dir})`;
}

