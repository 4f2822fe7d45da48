import { buildAlexNet } from './alexnet.ts';
import { buildEfficientNetB0 } from './efficientnet.ts';
import { buildMobileNetV2 } from './mobilenetv2.ts';
import { buildMobileNetV3 } from './mobilenetv3.ts';
import { buildResNet18, buildResNet34 } from './resnet.ts';
import { buildShuffleNetV2 } from './shufflenetv2.ts';
import type { BackboneBuilder, BackboneKind } from './types.ts';

export const backboneBuilders: Record<BackboneKind, BackboneBuilder> = {
  alexnet: buildAlexNet,
  mobilenetv2: buildMobileNetV2,
  mobilenetv3: buildMobileNetV3,
  shufflenetv2: buildShuffleNetV2,
  efficientnet_b0: buildEfficientNetB0,
  resnet18: buildResNet18,
  resnet34: buildResNet34,
};

export { backboneKinds } from './types.ts';
export type { BackboneKind, BackboneNet, BackboneShape, MobileNetV3Variant } from './types.ts';
