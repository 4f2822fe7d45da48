/**
 * Encoder features of a data split, and the kNN accuracy a run reports during training: the
 * weighted cosine kNN of METHOD.md on fixed, stratified subsets of both splits so that each
 * evaluation costs little and every epoch is measured on the same images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { imageBytes, type Dataset, type Split } from '../data/dataset.ts';
import { stratifiedSubset } from '../data/split.ts';
import { extractFeatures, type Matrix, type StopCheck } from '../eval/features.ts';
import { knnAccuracy } from '../eval/knn.ts';
import type { Encoder } from '../nn/encoder.ts';
import { Rng } from '../random.ts';
import type { KnnMonitorSettings } from './settings.ts';

/** Images per forward pass when extracting features. */
const extractionBatch = 256;

/** Pooled backbone features (eval mode) of a split's uint8 images, scaled to [0, 1] as in training. */
export function splitFeatures(
  encoder: Encoder,
  split: Split,
  shape: { height: number; width: number; channels: number },
  stopCheck?: StopCheck,
): Promise<Matrix> {
  const bytes = imageBytes(shape);
  // Each batch's tensor is made from its bytes: slicing one tensor of the whole split was 12x slower
  // on wasm (60,000 Fashion-MNIST images through alexnet w0.5: 257 s against 21 s, same features).
  const batch = (start: number, size: number) => tf.tensor4d(split.images.subarray(start * bytes, (start + size) * bytes),
    [size, shape.height, shape.width, shape.channels], 'int32');
  return extractFeatures((images) => encoder.features(tf.div(tf.cast(images, 'float32'), 255) as tf.Tensor4D, false),
    { rows: split.count, batch }, extractionBatch, stopCheck);
}

function subset(split: Split, size: number, data: Dataset, rng: Rng, what: string): Split {
  return size >= split.count ? split : stratifiedSubset(split, size, imageBytes(data), rng, what);
}

/** A function returning the current kNN top-1 of `encoder` on the subsets chosen once here. */
export function knnMonitor(encoder: Encoder, data: Dataset, settings: KnnMonitorSettings, seed = 0): () => Promise<number> {
  const rng = new Rng(seed).fork('knn.subset');
  const train = subset(data.train, settings.subset, data, rng.fork('train'), 'knn subset');
  const test = subset(data.test, settings.subset, data, rng.fork('test'), 'knn subset');
  return async () => {
    const trainFeatures = await splitFeatures(encoder, train, data);
    const testFeatures = await splitFeatures(encoder, test, data);
    return (await knnAccuracy(trainFeatures, train.labels, testFeatures, test.labels, settings)).top1;
  };
}
