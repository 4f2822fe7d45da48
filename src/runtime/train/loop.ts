/**
 * The training loop: batches from the worker loader, one training step each, metrics every
 * `logEvery` steps, kNN accuracy on a subset every `knn.every` epochs, checkpoints (latest every
 * epoch or every `checkpointEvery` steps with the one before kept as previous, best by kNN
 * accuracy), resume from the newest intact checkpoint, and a clean stop on Ctrl-C (checkpoint
 * first, then InterruptedError -> exit 130) or on a checkpoint that cannot be saved.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AugmentOp } from '../augment/pipeline.ts';
import type { Dataset } from '../data/dataset.ts';
import { BatchLoader, type LoaderState } from '../data/loader.ts';
import { batchToTensors } from '../data/tensors.ts';
import type { Encoder } from '../nn/encoder.ts';
import type { MinerAccuracy } from '../objectives/diagnostics.ts';
import { Rng } from '../random.ts';
import { removeUnfinishedWrites, WriteError } from '../run/atomic.ts';
import { recordFailure } from '../run/failure.ts';
import type { RunDirectory } from '../run/directory.ts';
import { readMetrics, type MinerFields } from '../run/metrics.ts';
import { writeMetricsCsv } from '../run/metrics-csv.ts';
import { Progress, type ProgressOptions } from '../run/progress.ts';
import { rekdBuild } from '../run/provenance.ts';
import { recordSession, sessionBackend } from '../run/run-info.ts';
import { InterruptedError, isUserError, letSignalsIn, stopRequestFor } from '../run/signals.ts';
import { userErrorMessage } from '../user-problems.ts';
import { knnMonitor } from './monitor.ts';
import { StudentObjective } from './objective.ts';
import { buildOptimizer, buildSchedule } from './optimizer.ts';
import type { KnnMonitorSettings, ObjectiveSettings, OptimizerSettings, ScheduleSettings } from './settings.ts';
import { chooseResumePoint } from './resume.ts';
import {
  CheckpointSaveError, restoreTrainingCheckpoint, saveTrainingCheckpoint, type StatefulPiece, type TrainingParts,
} from './state.ts';
import { trainingStep, type StepValues } from './step.ts';
import { createTeacher, type TeacherSpec } from './teacher.ts';

export interface LoaderSettings {
  batchSize: number;
  augment: readonly AugmentOp[];
  weak?: readonly AugmentOp[];
  /** Augmentation worker threads (default 1; 0 runs augmentation on the main thread). */
  workers?: number;
}

export interface TrainOptions {
  run: RunDirectory;
  data: Dataset;
  loader: LoaderSettings;
  student: Encoder;
  teacher?: TeacherSpec;
  objective: ObjectiveSettings;
  optimizer: OptimizerSettings;
  schedule: ScheduleSettings;
  /** The experiment seed: data order, augmentation, miner draws. */
  seed: number;
  /** Steps between checkpoints; 0 saves at each epoch end. */
  checkpointEvery: number;
  /** Steps between metric lines (and progress lines when not on a terminal). */
  logEvery: number;
  knn?: KnnMonitorSettings;
  /** Where progress goes (default stderr). */
  progress?: ProgressOptions['stream'];
}

export interface TrainResult {
  steps: number;
  epochs: number;
  /** Steps this call ran (0 when the run had already finished training). */
  stepsRun: number;
  bestKnn: number | null;
}

/** Running means by name, each over the steps that reported it (miner values skip warm-up steps). */
class Means<Name extends string> {
  private sums = new Map<Name, { sum: number; count: number }>();

  add(values: Partial<Record<Name, number>>): void {
    for (const [name, value] of Object.entries(values) as Array<[Name, number | undefined]>) {
      if (value === undefined) continue;
      const entry = this.sums.get(name) ?? { sum: 0, count: 0 };
      this.sums.set(name, { sum: entry.sum + value, count: entry.count + 1 });
    }
  }

  /** The means; resets them. */
  take(): Partial<Record<Name, number>> {
    const means = Object.fromEntries([...this.sums].map(([name, { sum, count }]) => [name, sum / count]));
    this.sums.clear();
    return means as Partial<Record<Name, number>>;
  }
}

function minerFields(accuracy: MinerAccuracy | undefined): MinerFields {
  return accuracy ? { miner_precision: accuracy.precision, miner_positives: accuracy.positives, miner_chance: accuracy.chance } : {};
}

/** Loss terms, miner accuracy and throughput over the steps since the last metric line. */
class Window {
  private readonly loss = new Means<string>();
  private readonly miner = new Means<keyof MinerFields>();
  private images = 0;
  private seconds = 0;

  add(values: StepValues, images: number, seconds: number): void {
    this.loss.add(values.losses);
    this.miner.add(minerFields(values.minerAccuracy));
    this.images += images;
    this.seconds += seconds;
  }

  /** Means over the window and images/s; resets it. */
  take(): { loss: Record<string, number>; miner: MinerFields; imagesPerSecond: number } {
    const imagesPerSecond = this.images / Math.max(this.seconds, 1e-9);
    this.images = this.seconds = 0;
    return { loss: this.loss.take() as Record<string, number>, miner: this.miner.take(), imagesPerSecond };
  }
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { run, data, student, seed } = options;
  const rng = new Rng(seed);
  const teacher = options.teacher && createTeacher(options.teacher);
  const objective = new StudentObjective({
    settings: options.objective, student, classes: data.classes, teacherDim: teacher?.embedDim, rng: rng.fork('objective'),
  });
  const trainable = new Map([...objective.trainableVariables(), ...(teacher?.trainableVariables() ?? [])]);
  const optimizer = buildOptimizer(options.optimizer, trainable);
  const pieces: Record<string, StatefulPiece> = {};
  if (objective.queue) pieces.queue = objective.queue;
  if (objective.miner) pieces.miner = objective.miner;
  if (teacher?.queue) pieces.teacher_queue = teacher.queue;
  const parts: TrainingParts = {
    variables: new Map([...objective.variables(), ...(teacher?.variables() ?? [])]), optimizer, pieces,
  };

  let step = 0;
  let bestKnn: number | null = null;
  let resume: LoaderState | undefined;
  /** The step of the newest checkpoint on disk. */
  let savedStep: number | undefined;
  // The run lock makes this process the only writer of its checkpoints.
  removeUnfinishedWrites(run.paths.checkpoints);
  if (run.hasCheckpoint()) {
    const log = (text: string) => (options.progress ?? process.stderr).write(text + '\n');
    const saved = restoreTrainingCheckpoint(chooseResumePoint(run, log).file, parts);
    ({ step, bestKnn } = saved);
    savedStep = step;
    resume = saved.loader;
  }
  // Records past the resumed step (all of them when no checkpoint was saved) are written again.
  run.metrics.truncateAfter(step);
  const loader = new BatchLoader({
    split: data.train, shape: data, seed, resume, ...options.loader,
  });
  const stepsPerEpoch = loader.batchesPerEpoch;
  const epochs = options.schedule.epochs;
  const totalSteps = epochs * stepsPerEpoch;
  const schedule = buildSchedule(options.schedule, options.optimizer.lr, stepsPerEpoch);
  const monitor = options.knn && options.knn.every > 0 ? knnMonitor(student, data, options.knn, seed) : undefined;
  const progress = new Progress({ totalSteps, epochs, lineEvery: options.logEvery, stream: options.progress, startStep: step });
  const { stop, release: releaseStop } = stopRequestFor('training', (text) => progress.message(text));
  const window = new Window();
  const startStep = step;
  const epochOf = (s: number) => Math.max(1, Math.ceil(s / stepsPerEpoch));
  /** The epoch of the next step; the last one once training is complete. */
  const nextEpoch = () => epochOf(Math.min(step + 1, totalSteps));
  const save = async (file: string, previous?: string) => {
    try {
      await saveTrainingCheckpoint(file, parts, { step, loader: loader.state(), bestKnn }, { previous });
    } catch (error) {
      throw error instanceof WriteError ? new CheckpointSaveError(step, savedStep, error) : error;
    }
    savedStep = step;
  };

  // Time in the loop and images trained since the last record in run-info.json.
  let clock = performance.now();
  let images = 0;
  let stepsDone = step;
  const backend = sessionBackend();
  // Asked of git now, once: the save on Ctrl-C or on an ended parent must not wait for it.
  rekdBuild();
  /** The session's time and images in run-info.json, and metrics.csv rebuilt: with each checkpoint, so a killed run keeps both. */
  const record = () => {
    const now = performance.now();
    recordSession(run, {
      training_seconds: (now - clock) / 1000, steps: step - stepsDone, images,
      backend,
    });
    writeMetricsCsv(run.paths.metricsCsv, readMetrics(run.paths.metrics));
    clock = now;
    images = 0;
    stepsDone = step;
  };

  /** The run marked interrupted at this step (its checkpoint saved): the error that ends the loop. */
  const stopped = (epoch: number) => {
    const interruption = new InterruptedError(step, stop.signal!);
    run.setStatus('interrupted', { step, epoch }, interruption.statusMessage);
    return interruption;
  };

  run.setStatus('running', { step, epoch: nextEpoch() });
  try {
    // A stop asked for before this phase (while a teacher trained, while data loaded) ends it before its first step.
    if (stop.requested && step < totalSteps) throw stopped(nextEpoch());
    while (step < totalSteps) {
      const started = performance.now();
      const batch = await loader.next();
      const inputs = batchToTensors(batch);
      let values: StepValues;
      try {
        values = trainingStep({ objective, teacher, optimizer, trainable }, inputs, schedule(step), step + 1);
      } finally {
        tf.dispose([inputs.view1, inputs.view2, inputs.labels, ...(inputs.weak ? [inputs.weak] : [])]);
      }
      step += 1;
      const epoch = epochOf(step);
      const epochEnd = step % stepsPerEpoch === 0;
      window.add(values, batch.size, (performance.now() - started) / 1000);
      images += batch.size;
      if (step % options.logEvery === 0 || epochEnd) {
        const { loss, miner, imagesPerSecond } = window.take();
        run.metrics.append({ type: 'step', step, epoch, lr: schedule(step - 1), images_per_second: imagesPerSecond, loss, ...miner });
        progress.update({ step, epoch, loss, imagesPerSecond, miner });
      }
      let improved = false;
      if (monitor && epochEnd && (epoch % options.knn!.every === 0 || step === totalSteps)) {
        const accuracy = await monitor();
        run.metrics.append({ type: 'eval', step, epoch, knn_top1: accuracy });
        progress.message(`epoch ${epoch}: kNN top-1 ${(100 * accuracy).toFixed(2)}% (subset)`);
        improved = bestKnn === null || accuracy > bestKnn;
        if (improved) bestKnn = accuracy;
      }
      // best.ckpt first: once latest.ckpt records this accuracy as the best, a resume would not save it again.
      if (improved) await save(run.paths.best);
      const due = options.checkpointEvery > 0 ? step % options.checkpointEvery === 0 : epochEnd;
      if (due || step === totalSteps || stop.requested) {
        await save(run.paths.latest, run.paths.previous);
        record();
        if (!stop.requested) run.setStatus('running', { step, epoch });
      }
      if (stop.requested) throw stopped(epoch);
      await letSignalsIn();
    }
    return { steps: step, epochs, stepsRun: step - startStep, bestKnn };
  } catch (error) {
    // A user problem (a loss that is not finite, a checkpoint that cannot be saved, a folder that
    // cannot be written) is recorded so the run directory says why it stopped; an interruption was recorded above.
    if (isUserError(error) && !(error instanceof InterruptedError)) {
      recordFailure(run, userErrorMessage(error) ?? error.message, (text) => progress.message(text), { step, epoch: nextEpoch() });
    }
    throw error;
  } finally {
    progress.finish();
    await loader.close();
    objective.dispose();
    teacher?.dispose();
    optimizer.dispose();
    // Last, so that a stop asked for while cleaning up is still seen (by the next phase in a program).
    releaseStop();
  }
}
