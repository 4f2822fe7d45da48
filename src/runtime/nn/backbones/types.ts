import type * as tf from '@tensorflow/tfjs-core';
import { globalAveragePool, type Forward } from '../layers.ts';
import type { ParamScope } from '../params.ts';

export const backboneKinds = [
  'alexnet', 'mobilenetv2', 'mobilenetv3', 'shufflenetv2', 'efficientnet_b0', 'resnet18', 'resnet34',
] as const;
export type BackboneKind = (typeof backboneKinds)[number];
export type MobileNetV3Variant = 'small' | 'large';

export interface BackboneShape {
  /** Channel multiplier. */
  width: number;
  /** 1 (grey) or 3 (colour). */
  inChannels: number;
  /** mobilenetv3 only. */
  variant: MobileNetV3Variant;
}

/** A built backbone: NHWC images to globally average-pooled features [B, featureDim]. */
export interface BackboneNet {
  featureDim: number;
  forward: Forward<tf.Tensor4D, tf.Tensor2D>;
}

export type BackboneBuilder = (scope: ParamScope, shape: BackboneShape) => BackboneNet;

/** Width scaling for the plain (non-MobileNet) families: round, at least one channel. */
export function scaleChannels(channels: number, width: number): number {
  return Math.max(1, Math.round(channels * width));
}

/** Apply blocks in order. */
export function sequence(blocks: Forward[]): Forward {
  return (x, ctx) => blocks.reduce((y, block) => block(y, ctx), x);
}

/** The usual ending: run the blocks, then global average pooling to [B, featureDim]. */
export function pooledBackbone(featureDim: number, blocks: Forward[]): BackboneNet {
  const body = sequence(blocks);
  return { featureDim, forward: (x, ctx) => globalAveragePool(body(x, ctx)) };
}
