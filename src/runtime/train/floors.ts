/**
 * The floors of the final evaluation: the same linear probe and kNN as the student's, on the same
 * splits, applied to (1) the raw pixels and (2) the features of the run's student as initialised,
 * its BatchNorm statistics recalibrated on training images. A trained network's figures mean
 * something only above both (docs/method.md). The raw-pixel floor depends on the data, the probe
 * settings and the seed alone, so it is cached across runs (the cells of a grid compute it once).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Dataset, imageBytes, selectImages, type Split } from '../data/dataset.ts';
import type { Matrix } from '../eval/features.ts';
import { knnAccuracy, type KnnOptions, type KnnResult } from '../eval/knn.ts';
import { linearProbe, type LinearProbeResult } from '../eval/linear.ts';
import type { Encoder } from '../nn/encoder.ts';
import { Rng } from '../random.ts';
import { cachedResult, type ResultCacheOptions } from '../run/result_cache.ts';
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
export function probeFigures(train: Matrix, test: Matrix, data: Dataset, settings: ProbeSettings): ProbeFigures {
  const figures: ProbeFigures = {};
  if (settings.knn) figures.knn = knnAccuracy(train, data.train.labels, test, data.test.labels, settings.knn);
  if (settings.linear) {
    figures.linear = linearProbe(train, data.train.labels, test, data.test.labels, { ...settings.linear, seed: settings.seed });
  }
  return figures;
}

/** Each image flattened (NHWC order), in [0, 1]: the scale the networks see. */
export function pixelFeatures(split: Split, shape: Shape): Matrix {
  return { data: Float32Array.from(split.images, (v) => v / 255), rows: split.count, cols: imageBytes(shape) };
}

/** Bump when the probe code changes what it computes: older cached floors are then not read. */
const PIXEL_FLOOR_VERSION = 1;

/**
 * The probes on the raw pixels, each read from the cache when computed before for the same data
 * (its fingerprint), settings and seed. `cached` is true when no probe had to run.
 */
export function pixelFloor(data: Dataset, settings: ProbeSettings, cache: ResultCacheOptions = {}): { figures: ProbeFigures; cached: boolean } {
  let pixels: { train: Matrix; test: Matrix } | undefined;
  const probe = (only: ProbeSettings): ProbeFigures => {
    pixels ??= { train: pixelFeatures(data.train, data), test: pixelFeatures(data.test, data) };
    return probeFigures(pixels.train, pixels.test, data, only);
  };
  const base = { floor: 'pixels', version: PIXEL_FLOOR_VERSION, data: data.fingerprint };
  const figures: ProbeFigures = {};
  let cached = true;
  if (settings.knn) {
    // kNN draws nothing at random: its figure does not depend on the seed.
    const knn = settings.knn;
    const result = cachedResult({ folder: 'floors', name: 'pixels-knn', what: 'raw-pixel kNN floor' },
      { ...base, knn }, () => probe({ knn, seed: settings.seed }).knn!, cache);
    figures.knn = result.value;
    cached &&= result.cached;
  }
  if (settings.linear) {
    const linear = settings.linear;
    const result = cachedResult({ folder: 'floors', name: 'pixels-linear', what: 'raw-pixel linear floor' },
      { ...base, linear, seed: settings.seed }, () => probe({ linear, seed: settings.seed }).linear!, cache);
    figures.linear = result.value;
    cached &&= result.cached;
  }
  return { figures, cached };
}

/** How the untrained floor's BatchNorm statistics are estimated: batches of unaugmented training images. */
export const RECALIBRATION = { batches: 20, batchSize: 256 };

/**
 * Sets every BatchNorm layer's running statistics of `encoder` to their plain mean over
 * `RECALIBRATION.batches` training-mode forward passes on seeded batches of `split` (drawn without
 * replacement, reshuffled when the split runs out). Only the statistics change: no weight does.
 * At initialisation they are mean 0 and variance 1, which no layer's output has.
 */
export function recalibrateBatchNorm(encoder: Encoder, split: Split, shape: Shape, seed: number): void {
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
  }
}

/** The probes on the features of `initial` (the student as initialised) after recalibrating its BatchNorm statistics. */
export function untrainedFloor(initial: Encoder, data: Dataset, settings: ProbeSettings): ProbeFigures {
  recalibrateBatchNorm(initial, data.train, data, settings.seed);
  return probeFigures(splitFeatures(initial, data.train, data), splitFeatures(initial, data.test, data), data, settings);
}
