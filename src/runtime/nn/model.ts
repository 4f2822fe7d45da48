/** What every built model (backbone alone or encoder) offers besides its forward pass. */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from './layers.ts';

export interface Model {
  /** Low-level forward with an explicit context (describeModel counts costs through it). */
  apply(x: tf.Tensor4D, ctx: ForwardContext): unknown;
  /** Variables gradients update, by name. */
  trainableVariables(): Map<string, tf.Variable>;
  /** Every variable including BatchNorm running statistics: for checkpoints and momentum copies. */
  state(): Map<string, tf.Variable>;
  dispose(): void;
}

export interface ModelDescription {
  /** Trainable parameters (BatchNorm running statistics are not counted, as in PyTorch). */
  params: number;
  /** Multiply-accumulates per image of the conv and linear layers. */
  macs: number;
  /** 2 x macs (one multiply and one add each). */
  flops: number;
}

/** Parameter count and per-image cost, measured by running one image of `inputShape` [H, W, C]. */
export function describeModel(model: Model, inputShape: [number, number, number]): ModelDescription {
  let params = 0;
  for (const variable of model.trainableVariables().values()) params += variable.size;
  const cost = { macs: 0 };
  tf.tidy(() => {
    model.apply(tf.zeros([1, ...inputShape]), { training: false, cost });
  });
  return { params, macs: cost.macs, flops: 2 * cost.macs };
}
