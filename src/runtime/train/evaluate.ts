/**
 * The final evaluation of a run (METHOD.md): linear probe and kNN on frozen backbone features of
 * the full splits (extracted once), the same probes on the floors (raw pixels, the untrained
 * student), collapse diagnostics on the test split. Results go to eval.json, the run is marked
 * finished and report.md is rebuilt. Ctrl-C stops it after the current batch (or before it starts,
 * when asked for earlier in the program): the run is marked interrupted (its training is saved)
 * and running it again evaluates it.
 */
import type { AugmentOp } from '../augment/pipeline.ts';
import type { Dataset } from '../data/dataset.ts';
import { makeViewMaker } from '../data/views.ts';
import { alignment, collapseMetrics, type CollapseMetrics } from '../eval/collapse.ts';
import type { StopCheck } from '../eval/features.ts';
import { knnAccuracy, type KnnOptions, type KnnResult } from '../eval/knn.ts';
import type { LinearProbeResult } from '../eval/linear.ts';
import type { Encoder } from '../nn/encoder.ts';
import type { RunDirectory } from '../run/directory.ts';
import { buildReport } from '../run/report.ts';
import { checkpointName, recordSession, sessionBackend } from '../run/run-info.ts';
import { InterruptedError, letSignalsIn, stopRequestFor } from '../run/signals.ts';
import { type FloorFigures, type Floors, pixelFloor, probeFigures, type ProbeFigures, type ProbeSettings, untrainedFloor } from './floors.ts';
import { splitFeatures } from './monitor.ts';

export interface FloorOptions {
  /**
   * Builds the student as the run initialised it (the same function and random stream that built
   * the run's student): the untrained floor's network. The evaluation disposes what it returns.
   */
  initialStudent: () => Encoder;
  /** The cache root of the floors (default `REKD_CACHE_DIR` or `~/.cache/rekd`). */
  cacheDir?: string;
}

export interface EvaluateOptions {
  run: RunDirectory;
  encoder: Encoder;
  data: Dataset;
  seed: number;
  linear?: { epochs: number; lr: number; batchSize: number; weightDecay: number };
  /** Missing settings take knnAccuracy's defaults (k = 20, temperature 0.07). */
  knn?: KnnOptions;
  collapse?: { neighbours?: number };
  /** The strong pipeline: two views of each test image measure alignment (needs `collapse`). */
  augment?: readonly AugmentOp[];
  /**
   * The run's teacher (frozen or trained alongside): its kNN top-1 on the same splits is stored
   * as `teacher.knn`, so a table can show what the student had to learn from (needs `knn`).
   */
  teacher?: Encoder;
  /** The floors beside the student's linear and kNN figures (they need one of the two). */
  floors?: FloorOptions;
  /** Progress messages (default stderr). */
  log?: (text: string) => void;
  /** What the first progress message calls this evaluation (default `final evaluation`). */
  title?: string;
}

export interface EvaluationResults {
  linear?: LinearProbeResult;
  knn?: KnnResult;
  collapse?: CollapseMetrics;
  teacher?: { knn: KnnResult };
  floors?: Floors;
}

const percent = (fraction: number): string => `${(100 * fraction).toFixed(2)}%`;

/** `linear top-1 ..%, kNN top-1 ..%` for the probes that ran. */
function describeFigures(figures: ProbeFigures): string {
  return [figures.linear && `linear top-1 ${percent(figures.linear.top1)}`, figures.knn && `kNN top-1 ${percent(figures.knn.top1)}`]
    .filter(Boolean).join(', ');
}

async function evaluateFloors(
  options: FloorOptions,
  data: Dataset,
  settings: ProbeSettings,
  log: (text: string) => void,
  stopCheck: StopCheck,
): Promise<Floors> {
  const cache = { dir: options.cacheDir, warn: (text: string) => log(`warning: ${text}`) };
  const describe = (floor: FloorFigures) => `${describeFigures(floor.figures)}${floor.cached ? ' (cached)' : ''}`;
  const pixels = await pixelFloor(data, settings, cache, stopCheck);
  log(`raw pixels: ${describe(pixels)}`);
  const initial = options.initialStudent();
  try {
    const untrained = await untrainedFloor(initial, data, settings, cache, stopCheck);
    log(`untrained: ${describe(untrained)}`);
    return { pixels: pixels.figures, untrained: untrained.figures };
  } finally {
    initial.dispose();
  }
}

/** The figures of eval.json; `stopCheck` runs between batches throughout. */
async function measure(options: EvaluateOptions, log: (text: string) => void, stopCheck: StopCheck): Promise<EvaluationResults> {
  const { encoder, data } = options;
  const test = await splitFeatures(encoder, data.test, data, stopCheck);
  const train = options.linear || options.knn ? await splitFeatures(encoder, data.train, data, stopCheck) : undefined;
  const probes: ProbeSettings = { linear: options.linear, knn: options.knn, seed: options.seed };
  const results: EvaluationResults = train ? await probeFigures(train, test, data, probes, stopCheck) : {};
  if (results.knn) log(`kNN top-1 ${percent(results.knn.top1)}`);
  if (results.linear) log(`linear top-1 ${percent(results.linear.top1)}, top-5 ${percent(results.linear.top5)}`);
  if (options.teacher && options.knn) {
    const knn = await knnAccuracy(await splitFeatures(options.teacher, data.train, data, stopCheck), data.train.labels,
      await splitFeatures(options.teacher, data.test, data, stopCheck), data.test.labels, options.knn, stopCheck);
    results.teacher = { knn };
    log(`teacher kNN top-1 ${percent(knn.top1)}`);
  }
  if (options.floors && train) results.floors = await evaluateFloors(options.floors, data, probes, log, stopCheck);
  if (options.collapse) {
    results.collapse = await collapseMetrics(test, data.test.labels, options.collapse, stopCheck);
    if (options.augment) results.collapse.alignment = await viewAlignment(encoder, data, options.augment, options.seed, stopCheck);
  }
  return results;
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluationResults> {
  const { run, data } = options;
  const log = options.log ?? ((text: string) => process.stderr.write(text + '\n'));
  const started = performance.now();
  const status = run.status();
  /** Where training ended: the step and epoch status.json keeps. */
  const trained = { step: status?.step ?? 0, epoch: status?.epoch ?? 0 };
  // The program's stop request, checked before the evaluation and between its batches.
  const { stop, release } = stopRequestFor('evaluation', log);
  const stopCheck: StopCheck = async () => {
    await letSignalsIn();
    if (stop.requested) throw new InterruptedError(trained.step, stop.signal!, 'evaluation');
  };
  try {
    log(`${options.title ?? 'final evaluation'}: ${data.train.count} train and ${data.test.count} test images`);
    let results: EvaluationResults;
    try {
      await stopCheck();
      results = await measure(options, log, stopCheck);
    } catch (error) {
      if (error instanceof InterruptedError) run.setStatus('interrupted', trained, error.statusMessage);
      throw error;
    }
    run.writeEval(results);
    // The encoder evaluated holds the weights training ended with, which the last save wrote to latest.
    recordSession(run, { evaluation_seconds: (performance.now() - started) / 1000, backend: sessionBackend() }, { step: trained.step, checkpoint: checkpointName(run, run.paths.latest) });
    run.setStatus('finished', trained);
    buildReport(run.dir);
    return results;
  } finally {
    release();
  }
}

/**
 * Alignment of the features of two augmented views of every test image (Wang and Isola 2020). The
 * views are stored back as bytes (steps of 1/255) to go through the same feature path as the splits.
 */
async function viewAlignment(encoder: Encoder, data: Dataset, augment: readonly AugmentOp[], seed: number, stopCheck: StopCheck): Promise<number> {
  const maker = makeViewMaker({ seed, shape: data, augment });
  const indices = Int32Array.from({ length: data.test.count }, (_, i) => i);
  const views = maker.make(data.test.images, indices, 0);
  const { height, width, channels } = maker.strong.output;
  const asSplit = (pixels: Float32Array) => ({
    images: Uint8Array.from(pixels, (v) => Math.round(v * 255)), labels: data.test.labels, count: data.test.count,
  });
  const shape = { height, width, channels };
  return alignment(await splitFeatures(encoder, asSplit(views.view1), shape, stopCheck), await splitFeatures(encoder, asSplit(views.view2), shape, stopCheck));
}
