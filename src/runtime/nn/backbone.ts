/** Backbone construction: option defaults and checks, and standalone backbones with their own variables. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random.ts';
import { backboneBuilders, backboneKinds, type BackboneKind, type BackboneShape, type MobileNetV3Variant } from './backbones/index.ts';
import type { ForwardContext } from './layers.ts';
import type { Model } from './model.ts';
import { ParamStore, type ParamScope } from './params.ts';

export interface BackboneOptions {
  width?: number;
  inChannels?: number;
  variant?: MobileNetV3Variant;
}

export function resolveShape(kind: BackboneKind, options: BackboneOptions): BackboneShape {
  const shape = { width: options.width ?? 1, inChannels: options.inChannels ?? 1, variant: options.variant ?? 'small' };
  if (!backboneKinds.includes(kind)) {
    throw new Error(`unknown backbone '${kind}' (known: ${backboneKinds.join(', ')})`);
  }
  if (!(shape.width > 0)) throw new Error(`backbone ${kind}: width must be > 0, got ${shape.width}`);
  if (shape.inChannels !== 1 && shape.inChannels !== 3) {
    throw new Error(`backbone ${kind}: inChannels must be 1 or 3, got ${shape.inChannels}`);
  }
  if (shape.variant !== 'small' && shape.variant !== 'large') {
    throw new Error(`backbone ${kind}: variant must be small or large, got '${shape.variant}'`);
  }
  return shape;
}

/** Builds the backbone's layers inside `scope` (used by encoders, which add a head). */
export function buildBackbone(kind: BackboneKind, shape: BackboneShape, scope: ParamScope) {
  return backboneBuilders[kind](scope, shape);
}

export interface Backbone extends Model {
  readonly kind: BackboneKind;
  readonly featureDim: number;
  /** Images [B, H, W, C] to pooled features [B, featureDim]. */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
}

/** A standalone backbone with its own variables, initialised from one draw of `rng`. */
export function createBackbone(kind: BackboneKind, options: BackboneOptions & { rng: Rng }): Backbone {
  const store = new ParamStore(new Rng(options.rng.nextUint32()));
  const net = buildBackbone(kind, resolveShape(kind, options), store.scope('backbone'));
  const apply = (x: tf.Tensor4D, ctx: ForwardContext) => net.forward(x, ctx);
  return {
    kind,
    featureDim: net.featureDim,
    apply,
    forward: (x, training) => apply(x, { training }),
    trainableVariables: () => store.trainableVariables(),
    state: () => store.all(),
    dispose: () => store.dispose(),
  };
}
