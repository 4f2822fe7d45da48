/** The projection head: linear -> BatchNorm -> ReLU -> linear (MoCo v2 / SimCLR style). */
import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, linear, type Forward } from './layers.ts';
import type { ParamScope } from './params.ts';

export function projectionHead(
  scope: ParamScope,
  options: { inFeatures: number; hidden: number; embed: number },
): Forward<tf.Tensor2D, tf.Tensor2D> {
  const { inFeatures, hidden, embed } = options;
  // No bias before BatchNorm: its shift would be cancelled by the mean subtraction.
  const first = linear(scope.child('fc1'), { inFeatures, outFeatures: hidden, bias: false });
  const normalise = batchNorm<tf.Tensor2D>(scope.child('bn'), hidden, true);
  const second = linear(scope.child('fc2'), { inFeatures: hidden, outFeatures: embed });
  return (x, ctx) => second(normalise(first(x, ctx), ctx), ctx);
}
