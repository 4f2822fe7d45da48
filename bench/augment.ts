/**
 * Augmentation benchmark: throughput (images/s, each image giving two views) of the quickstart
 * pipeline (read from experiments/quickstart.rekd) on its data, through the worker loader and, as
 * the same-run reference, on the calling thread; the cost of each op; and the ratio to the
 * training throughput of the quickstart student (measured here by bench/train.ts unless given).
 * Issue 4's target: augmentation at least 3x the training throughput.
 * Alone: `npx tsx bench/augment.ts`.
 */
import { fileURLToPath } from 'node:url';
import { dataSpec } from '../src/codegen/settings.ts';
import { compileFile, renderDiagnostics } from '../src/compiler.ts';
import { compilePipeline, viewRng, type AugmentOp } from '../src/runtime/augment/pipeline.ts';
import { floatImageFromBytes } from '../src/runtime/augment/image.ts';
import type { Dataset } from '../src/runtime/data/dataset.ts';
import { loadDataset, type DataSpec } from '../src/runtime/data/load.ts';
import { BatchLoader } from '../src/runtime/data/loader.ts';
import { initBackend } from '../src/runtime/backend.ts';
import { benchTrain, defaultTrainBench } from './train.ts';

export interface AugmentBenchOptions {
  experimentFile: string;
  /** Timed batches per measurement, after one untimed batch (worker start-up, JIT). */
  batches: number;
  workers: number;
  /** Training images/s of the quickstart student, if already measured in this run. */
  trainImagesPerSecond?: number;
}

export interface AugmentBenchResult {
  /** Time next() waited per batch while the main thread was busy for one training step. */
  stallMsPerBatch: number;
  workerImagesPerSecond: number;
  mainThreadImagesPerSecond: number;
  opMicroseconds: Record<string, number>;
  trainImagesPerSecond: number;
  ratioToTraining: number;
}

/** The stall measurement spins the main thread for one training step per batch, at most this long. */
const MAX_BUSY_MS = 1000;
const STALL_BATCHES = 8;

export const defaultAugmentBench: AugmentBenchOptions = {
  experimentFile: fileURLToPath(new URL('../experiments/quickstart.rekd', import.meta.url)),
  batches: 20,
  workers: 1,
};

function quickstartSettings(file: string): { data: DataSpec; augment: AugmentOp[]; seed: number; batchSize: number } {
  const result = compileFile(file);
  const experiment = result.experiments.get('quickstart');
  if (!result.ok || !experiment) throw new Error(`cannot compile ${file}:\n${renderDiagnostics(result.diagnostics, result.sources)}`);
  return { data: dataSpec(experiment), augment: experiment.augment, seed: experiment.seed, batchSize: experiment.batch_size };
}

async function loaderThroughput(dataset: Dataset, augment: AugmentOp[], seed: number, batchSize: number, workers: number, batches: number): Promise<number> {
  const loader = new BatchLoader({ split: dataset.train, shape: dataset, batchSize, seed, augment, workers, prefetch: 4 });
  try {
    await loader.next();
    const start = performance.now();
    let images = 0;
    for (let i = 0; i < batches; i++) images += (await loader.next()).size;
    return (images * 1000) / (performance.now() - start);
  } finally {
    await loader.close();
  }
}

/**
 * Mean wait in next() while the main thread is busy for `busyMs` after each batch, as a
 * synchronous training step keeps it (a spin, so the worker competes for the CPU as it would).
 */
async function stallPerBatch(dataset: Dataset, augment: AugmentOp[], seed: number, batchSize: number, workers: number, busyMs: number, batches: number): Promise<number> {
  const loader = new BatchLoader({ split: dataset.train, shape: dataset, batchSize, seed, augment, workers, prefetch: 4 });
  try {
    await loader.next();
    let waited = 0;
    for (let i = 0; i < batches; i++) {
      const until = performance.now() + busyMs;
      while (performance.now() < until);
      const start = performance.now();
      await loader.next();
      waited += performance.now() - start;
    }
    return waited / batches;
  } finally {
    await loader.close();
  }
}

/** Mean time of each op alone on one view, over `count` images. */
function opCosts(dataset: Dataset, augment: AugmentOp[], count: number): Record<string, number> {
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const costs: Record<string, number> = {};
  for (const op of augment) {
    // p = 1 so the op's work is measured every time; its share in the pipeline is p times this.
    const pipeline = compilePipeline([{ ...op, ...('p' in op ? { p: 1 } : {}) } as AugmentOp], shape);
    const images = Array.from({ length: count }, (_, i) => floatImageFromBytes(dataset.train.images, i % dataset.train.count, shape.height, shape.width, shape.channels));
    const start = performance.now();
    images.forEach((image, i) => pipeline.apply(image, viewRng(0, 0, i, 0)));
    costs[op.op] = ((performance.now() - start) * 1000) / count;
  }
  return costs;
}

export async function benchAugment(options: Partial<AugmentBenchOptions> = {}): Promise<AugmentBenchResult> {
  const o = { ...defaultAugmentBench, ...options };
  const settings = quickstartSettings(o.experimentFile);
  const dataset = await loadDataset(settings.data, { seed: settings.seed });
  console.log(`augment: quickstart pipeline (${settings.augment.map((a) => a.op).join(', ')}) on ${dataset.name}, ` +
    `${dataset.train.count} images ${dataset.height}x${dataset.width}x${dataset.channels}, batch ${settings.batchSize}, ${o.batches} timed batches`);
  const workerImagesPerSecond = await loaderThroughput(dataset, settings.augment, settings.seed, settings.batchSize, o.workers, o.batches);
  const mainThreadImagesPerSecond = await loaderThroughput(dataset, settings.augment, settings.seed, settings.batchSize, 0, o.batches);
  console.log(`  loader, ${o.workers} worker(s): ${workerImagesPerSecond.toFixed(0)} images/s (two views each)`);
  console.log(`  same pipeline on the calling thread: ${mainThreadImagesPerSecond.toFixed(0)} images/s`);
  const opMicroseconds = opCosts(dataset, settings.augment, 2000);
  console.log(`  per view and op (p = 1): ${Object.entries(opMicroseconds).map(([op, us]) => `${op} ${us.toFixed(1)} us`).join(', ')}`);
  let trainImagesPerSecond = o.trainImagesPerSecond;
  if (trainImagesPerSecond === undefined) {
    await initBackend('wasm');
    const student = defaultTrainBench.models.filter((m) => m.name.startsWith('student'));
    const [result] = await benchTrain({ models: student, steps: 3, warmup: 1, python: '/nonexistent' });
    trainImagesPerSecond = result.imagesPerSecond;
  }
  const ratioToTraining = workerImagesPerSecond / trainImagesPerSecond;
  console.log(`  quickstart student training: ${trainImagesPerSecond.toFixed(0)} images/s`);
  const stepMs = (settings.batchSize * 1000) / trainImagesPerSecond;
  const busyMs = Math.min(stepMs, MAX_BUSY_MS);
  const stallMsPerBatch = await stallPerBatch(dataset, settings.augment, settings.seed, settings.batchSize, o.workers, busyMs, STALL_BATCHES);
  console.log(`  stall: next() waited ${stallMsPerBatch.toFixed(1)} ms per batch while the main thread was busy ` +
    `${busyMs.toFixed(0)} ms per batch (one training step${stepMs > MAX_BUSY_MS ? `, capped from ${stepMs.toFixed(0)} ms` : ''})`);
  console.log(`ratio augmentation/training: ${ratioToTraining.toFixed(1)} (target >= 3)`);
  return { stallMsPerBatch, workerImagesPerSecond, mainThreadImagesPerSecond, opMicroseconds, trainImagesPerSecond, ratioToTraining };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchAugment();
}
