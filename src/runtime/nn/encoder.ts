/**
 * Encoder = backbone + projection head. `forward` gives the pooled backbone features (what linear
 * and kNN evaluation read) and the L2-normalised embedding (what the losses compare).
 */
import * as tf from '@tensorflow/tfjs-core';
import { normalizeRows } from '../objectives/rows.ts';
import { Rng } from '../random.ts';
import { buildBackbone, resolveShape, type BackboneOptions } from './backbone.ts';
import type { BackboneKind, BackboneShape } from './backbones/index.ts';
import { projectionHead } from './head.ts';
import type { ForwardContext } from './layers.ts';
import type { Model } from './model.ts';
import { ParamStore } from './params.ts';

export interface EncoderConfig extends BackboneOptions {
  kind: BackboneKind;
  /** Projection output size (default 128). */
  embed?: number;
  /** Projection hidden size; 0 or absent means 2 x backbone feature width. */
  hidden?: number;
}

/** The configuration with every default filled in (what momentum copies rebuild from). */
export interface ResolvedEncoderConfig extends BackboneShape {
  kind: BackboneKind;
  embed: number;
  hidden: number;
}

export interface EncoderOutput {
  features: tf.Tensor2D;
  embedding: tf.Tensor2D;
}

export interface Encoder extends Model {
  readonly config: ResolvedEncoderConfig;
  readonly featureDim: number;
  /** `updateStatistics` false: training-mode BatchNorm that leaves the running statistics (momentum keys). */
  forward(x: tf.Tensor4D, training: boolean, updateStatistics?: boolean): EncoderOutput;
  apply(x: tf.Tensor4D, ctx: ForwardContext): EncoderOutput;
  /** Backbone features only (no head): for evaluation. */
  features(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
}

export interface EncoderOptions extends EncoderConfig {
  /** Initialisation draws one number from it (so successive encoders differ). */
  rng: Rng;
  /** False for copies that are never trained by gradients (momentum encoders, frozen teachers). */
  trainable?: boolean;
}

export function createEncoder(options: EncoderOptions): Encoder {
  return buildEncoder(options, new ParamStore(new Rng(options.rng.nextUint32()), options.trainable ?? true));
}

/** Builds an encoder whose variables are created in `store` (copies pass a store with values). */
export function buildEncoder(config: EncoderConfig, store: ParamStore): Encoder {
  // Checked before any variable is created, so a bad setting leaves nothing to dispose.
  const shape = resolveShape(config.kind, config);
  const embed = config.embed ?? 128;
  if (!(Number.isInteger(embed) && embed > 0)) throw new Error(`encoder: embed must be a positive integer, got ${embed}`);
  if (config.hidden && !(Number.isInteger(config.hidden) && config.hidden > 0)) {
    throw new Error(`encoder: hidden must be a positive integer (or 0 for 2 x feature width), got ${config.hidden}`);
  }
  const backbone = buildBackbone(config.kind, shape, store.scope('backbone'));
  const hidden = config.hidden || 2 * backbone.featureDim;
  const head = projectionHead(store.scope('head'), { inFeatures: backbone.featureDim, hidden, embed });
  const apply = (x: tf.Tensor4D, ctx: ForwardContext): EncoderOutput => {
    const features = backbone.forward(x, ctx);
    const embedding = tf.tidy(() => normalizeRows(head(features, ctx)));
    return { features, embedding };
  };
  return {
    config: { kind: config.kind, ...shape, embed, hidden },
    featureDim: backbone.featureDim,
    apply,
    forward: (x, training, updateStatistics = true) => apply(x, { training, updateStatistics }),
    features: (x, training = false) => backbone.forward(x, { training }),
    trainableVariables: () => store.trainableVariables(),
    state: () => store.all(),
    dispose: () => store.dispose(),
  };
}
