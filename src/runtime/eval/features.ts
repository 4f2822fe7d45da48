/**
 * Feature matrices for evaluation: plain row-major Float32Array data (what results and caches hold)
 * or tensors, so the evaluation functions need no model.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export type FeatureInput = Matrix | tf.Tensor2D;

/**
 * Awaited between the batches of a long evaluation: it lets the event loop in (where Ctrl-C
 * arrives) and stops the computation by throwing (the final evaluation's throws InterruptedError).
 */
export type StopCheck = () => Promise<void>;
export type LabelInput = Int32Array | Uint8Array | number[];

export function isTensor(x: FeatureInput): x is tf.Tensor2D {
  return x instanceof tf.Tensor;
}

/** A Matrix view of the input (tensors are read back once). */
export function toMatrix(x: FeatureInput): Matrix {
  if (!isTensor(x)) {
    if (x.data.length !== x.rows * x.cols) throw new Error(`feature matrix data has ${x.data.length} values, expected ${x.rows} x ${x.cols}`);
    return x;
  }
  if (x.rank !== 2) throw new Error(`features must be a matrix, got shape [${x.shape.join(', ')}]`);
  return { data: x.dataSync() as Float32Array, rows: x.shape[0], cols: x.shape[1] };
}

/** Labels as Int32Array, checked against the number of feature rows. */
export function toLabels(labels: LabelInput, rows: number, what: string): Int32Array {
  if (labels.length !== rows) throw new Error(`${what}: ${labels.length} labels for ${rows} feature rows`);
  const out = Int32Array.from(labels);
  for (const label of out) if (label < 0) throw new Error(`${what}: labels must be >= 0, got ${label}`);
  return out;
}

export interface LabelledSplits {
  train: Matrix;
  trainLabels: Int32Array;
  test: Matrix;
  testLabels: Int32Array;
  /** One more than the largest label of either split. */
  classes: number;
}

/** A train and a test split with their labels, checked to fit together; `what` names the caller in errors. */
export function labelledSplits(
  train: FeatureInput,
  trainLabels: LabelInput,
  test: FeatureInput,
  testLabels: LabelInput,
  what: string,
): LabelledSplits {
  const trainMatrix = toMatrix(train);
  const testMatrix = toMatrix(test);
  if (trainMatrix.cols !== testMatrix.cols) {
    throw new Error(`${what}: train features have ${trainMatrix.cols} columns, test features ${testMatrix.cols}`);
  }
  const trainY = toLabels(trainLabels, trainMatrix.rows, `${what} train set`);
  const testY = toLabels(testLabels, testMatrix.rows, `${what} test set`);
  let largest = -1;
  for (const labels of [trainY, testY]) for (const label of labels) if (label > largest) largest = label;
  return { train: trainMatrix, trainLabels: trainY, test: testMatrix, testLabels: testY, classes: largest + 1 };
}

/** Images to extract features from: a tensor (first axis: samples), or their count and a function making the tensor of rows [start, start + size). */
export type ImageRows = tf.Tensor | { rows: number; batch: (start: number, size: number) => tf.Tensor };

/**
 * Runs `forward` over `images` in batches and gathers its output rows, e.g. the pooled backbone
 * features of a frozen encoder. Features are extracted once and kept as data.
 */
export async function extractFeatures(
  forward: (batch: tf.Tensor) => tf.Tensor2D,
  images: ImageRows,
  batchSize: number,
  stopCheck?: StopCheck,
): Promise<Matrix> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be an integer >= 1, got ${batchSize}`);
  const rows = images instanceof tf.Tensor ? images.shape[0] : images.rows;
  const batch = images instanceof tf.Tensor ? (start: number, size: number) => tf.slice(images, [start], [size]) : images.batch;
  const chunks: Float32Array[] = [];
  let cols = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const size = Math.min(batchSize, rows - start);
    const out = tf.tidy(() => {
      const features = forward(batch(start, size));
      if (features.rank !== 2 || features.shape[0] !== size) {
        throw new Error(`forward must return [${size}, features] for a batch of ${size}, got [${features.shape.join(', ')}]`);
      }
      return features;
    });
    cols = out.shape[1];
    chunks.push(out.dataSync() as Float32Array);
    out.dispose();
    await stopCheck?.();
  }
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return { data, rows, cols };
}
