/** Batches as TensorFlow.js tensors, made on the main thread (the backend lives there). */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './loader.ts';

export interface BatchTensors {
  view1: tf.Tensor4D;
  view2: tf.Tensor4D;
  weak?: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** NHWC float32 views and int32 labels; the caller disposes them (or runs this inside tf.tidy). */
export function batchToTensors(batch: Batch): BatchTensors {
  const view = (data: Float32Array, shape = batch.viewShape) =>
    tf.tensor4d(data, [batch.size, shape.height, shape.width, shape.channels]);
  return {
    view1: view(batch.view1),
    view2: view(batch.view2),
    ...(batch.weak && batch.weakShape ? { weak: view(batch.weak, batch.weakShape) } : {}),
    labels: tf.tensor1d(batch.labels, 'int32'),
  };
}
