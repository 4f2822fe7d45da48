/**
 * The floors of the final evaluation: the same linear probe and kNN as the student's, on the same
 * splits, applied to (1) the raw pixels and (2) the features of the run's student as initialised,
 * its BatchNorm statistics recalibrated on training images. A trained network's figures mean
 * something only above both (docs/method.md). Neither depends on the training, so both are cached
 * across runs in the rekd cache folder (the cells of a grid compute each once).
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { type Dataset, imageBytes, selectImages, type Split } from '../data/dataset.ts';
import type { Matrix, StopCheck } from '../eval/features.ts';
import { knnAccuracy, type KnnOptions, type KnnResult } from '../eval/knn.ts';
import { linearProbe, type LinearProbeResult } from '../eval/linear.ts';
import { runtimeFingerprint } from '../fingerprint.ts';
import type { Encoder } from '../nn/encoder.ts';
import { Rng } from '../random.ts';
import { cachedResult, type ResultCacheOptions } from '../run/result-cache.ts';
import { splitFeatures } from './monitor.ts';

type Shape = { height: number; width: number; channels: number };

/** The evaluation's probes (each runs only when given) and the seed of the linear probe's batch order. */
export interface ProbeSettings {
  linear?: { epochs: number; lr: number; batchSize: number; weightDecay: number };
  /** Missing settings take knnAccuracy's defaults (k = 20, temperature 0.07). */
  knn?: KnnOptions;
  seed: number;
}

/** What the probes measured; a probe that did not run is absent. */
export interface ProbeFigures {
  knn?: KnnResult;
  linear?: LinearProbeResult;
}

export interface Floors {
  pixels: ProbeFigures;
  untrained: ProbeFigures;
}

/** kNN and the linear probe (those `settings` asks for) on train and test features of `data`'s splits. */
export async function probeFigures(train: Matrix, test: Matrix, data: Dataset, settings: ProbeSettings, stopCheck?: StopCheck): Promise<ProbeFigures> {
  const figures: ProbeFigures = {};
  if (settings.knn) figures.knn = await knnAccuracy(train, data.train.labels, test, data.test.labels, settings.knn, stopCheck);
  if (settings.linear) {
    figures.linear = await linearProbe(train, data.train.labels, test, data.test.labels, { ...settings.linear, seed: settings.seed }, stopCheck);
  }
  return figures;
}

/** Each image flattened (NHWC order), in [0, 1]: the scale the networks see. */
export function pixelFeatures(split: Split, shape: Shape): Matrix {
  return { data: Float32Array.from(split.images, (v) => v / 255), rows: split.count, cols: imageBytes(shape) };
}

export interface FloorFigures {
  figures: ProbeFigures;
  /** True when every probe's figure was read from the cache. */
  cached: boolean;
}

type SplitFeatures = { train: Matrix; test: Matrix };

/**
 * The probes `settings` asks for on the features `extract` gives (called once, only when a probe
 * is not cached), each cached under `features` (what the features depend on besides the data),
 * the runtime's code, the data's fingerprint and the probe's settings (the linear probe's with the
 * seed). A probe stopped by `stopCheck` caches nothing; one finished before stays cached.
 */
async function cachedFloor(
  floor: 'pixels' | 'untrained',
  features: object,
  extract: () => Promise<SplitFeatures>,
  data: Dataset,
  settings: ProbeSettings,
  cache: ResultCacheOptions,
  stopCheck: StopCheck | undefined,
): Promise<FloorFigures> {
  let extracted: SplitFeatures | undefined;
  const probe = async (only: ProbeSettings): Promise<ProbeFigures> => {
    extracted ??= await extract();
    return probeFigures(extracted.train, extracted.test, data, only, stopCheck);
  };
  const base = { floor, runtime: runtimeFingerprint(), data: data.fingerprint, features };
  const what = floor === 'pixels' ? 'raw-pixel' : 'untrained';
  const figures: ProbeFigures = {};
  let cached = true;
  if (settings.knn) {
    const knn = settings.knn;
    const result = await cachedResult({ folder: 'floors', name: `${floor}-knn`, what: `${what} kNN floor` },
      { ...base, knn }, async () => (await probe({ knn, seed: settings.seed })).knn!, cache);
    figures.knn = result.value;
    cached &&= result.cached;
  }
  if (settings.linear) {
    const linear = settings.linear;
    const result = await cachedResult({ folder: 'floors', name: `${floor}-linear`, what: `${what} linear floor` },
      { ...base, linear, seed: settings.seed }, async () => (await probe({ linear, seed: settings.seed })).linear!, cache);
    figures.linear = result.value;
    cached &&= result.cached;
  }
  return { figures, cached };
}

/** The probes on the raw pixels. */
export function pixelFloor(data: Dataset, settings: ProbeSettings, cache: ResultCacheOptions = {}, stopCheck?: StopCheck): Promise<FloorFigures> {
  // Pixels draw nothing at random: only the linear probe's batch order depends on the seed.
  return cachedFloor('pixels', {}, async () => ({ train: pixelFeatures(data.train, data), test: pixelFeatures(data.test, data) }),
    data, settings, cache, stopCheck);
}

/** How the untrained floor's BatchNorm statistics are estimated: batches of unaugmented training images. */
const RECALIBRATION = { batches: 20, batchSize: 256 };

/**
 * Sets every BatchNorm layer's running statistics of `encoder` to their plain mean over
 * `RECALIBRATION.batches` training-mode forward passes on seeded batches of `split` (drawn without
 * replacement, reshuffled when the split runs out). Only the statistics change: no weight does.
 * At initialisation they are mean 0 and variance 1, which no layer's output has. `stopCheck` runs
 * after every batch.
 */
export async function recalibrateBatchNorm(encoder: Encoder, split: Split, shape: Shape, seed: number, stopCheck?: StopCheck): Promise<void> {
  const rng = new Rng(seed).fork('floors.batchnorm');
  const size = Math.min(RECALIBRATION.batchSize, split.count);
  const order = Int32Array.from({ length: split.count }, (_, i) => i);
  let next = order.length;
  for (let batch = 0; batch < RECALIBRATION.batches; batch++) {
    if (next + size > order.length) {
      rng.shuffle(order);
      next = 0;
    }
    const images = selectImages(split, order.subarray(next, next + size), imageBytes(shape)).images;
    next += size;
    tf.tidy(() => {
      const x = tf.div(tf.cast(tf.tensor4d(images, [size, shape.height, shape.width, shape.channels], 'int32'), 'float32'), 255) as tf.Tensor4D;
      encoder.apply(x, { training: true, statisticsWeight: 1 / (batch + 1) });
    });
    await stopCheck?.();
  }
}

/** The sha256 of every variable of `model` (names and values, in name order). */
function stateHash(model: Encoder): string {
  const hash = createHash('sha256');
  for (const [name, variable] of [...model.state()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${name}\0`).update(variable.dataSync() as Float32Array);
  }
  return hash.digest('hex');
}

/**
 * The probes on the features of `initial` (the student as initialised) after recalibrating its
 * BatchNorm statistics. Cached by its initial weights: the cells of a grid that share a student
 * and a seed compute it once.
 */
export function untrainedFloor(
  initial: Encoder,
  data: Dataset,
  settings: ProbeSettings,
  cache: ResultCacheOptions = {},
  stopCheck?: StopCheck,
): Promise<FloorFigures> {
  const features = { encoder: initial.config, weights: stateHash(initial), recalibration: { ...RECALIBRATION, seed: settings.seed } };
  return cachedFloor('untrained', features, async () => {
    await recalibrateBatchNorm(initial, data.train, data, settings.seed, stopCheck);
    return { train: await splitFeatures(initial, data.train, data, stopCheck), test: await splitFeatures(initial, data.test, data, stopCheck) };
  }, data, settings, cache, stopCheck);
}
