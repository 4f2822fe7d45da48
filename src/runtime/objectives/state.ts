/**
 * Checkpoint form of a stateful objective piece (queue, prototype bank, miner): named tensors plus
 * JSON-safe scalars. Names are local to the piece; the checkpoint writer prefixes them.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface SavedState {
  tensors: Record<string, tf.Tensor>;
  json: Record<string, unknown>;
}

/** The named tensor from a saved state, checked against the expected shape (-1: any size). */
export function savedTensor(state: SavedState, owner: string, name: string, shape: number[]): tf.Tensor {
  const tensor = state.tensors[name];
  if (tensor === undefined) throw new Error(`${owner} state has no tensor '${name}'`);
  const fits = tensor.rank === shape.length && shape.every((size, axis) => size < 0 || size === tensor.shape[axis]);
  if (!fits) {
    throw new Error(`${owner} state tensor '${name}' has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return tensor;
}

/** A number from a saved state's JSON part, checked to be an integer >= 0. */
export function savedCount(state: SavedState, owner: string, name: string): number {
  const value = state.json[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${owner} state field '${name}' must be an integer >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}
