/** Models: backbones, projection head, encoders, momentum copies, cost description. */
export { createBackbone } from './backbone.ts';
export type { Backbone, BackboneOptions } from './backbone.ts';
export { backboneKinds } from './backbones/index.ts';
export type { BackboneKind, MobileNetV3Variant } from './backbones/index.ts';
export { createEncoder } from './encoder.ts';
export type { Encoder, EncoderConfig, EncoderOptions, EncoderOutput, ResolvedEncoderConfig } from './encoder.ts';
export { createMomentumCopy, momentumUpdate } from './momentum.ts';
export { describeModel } from './model.ts';
export type { Model, ModelDescription } from './model.ts';
export { isDecayedWeight } from './params.ts';
