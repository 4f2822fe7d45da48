/**
 * MobileNetV3 small and large (Howard et al. 2019), tables 1 and 2, with a stride-1 stem for
 * 28-32 px input. Features: the last 1x1 conv (6 x last block width), globally pooled; the
 * paper's extra 1x1 "classifier" layer after pooling is left to the projection head.
 */
import { convBnAct, makeDivisible, type Activation, type Forward } from '../layers.ts';
import { invertedResidual } from './inverted-residual.ts';
import { pooledBackbone, type BackboneBuilder, type MobileNetV3Variant } from './types.ts';

/** [kernel, expanded, out, squeeze-excite, activation, stride] per block. */
type Row = [number, number, number, boolean, Activation, number];
const RE = 'relu', HS = 'hardswish';

const configs: Record<MobileNetV3Variant, Row[]> = {
  small: [
    [3, 16, 16, true, RE, 2], [3, 72, 24, false, RE, 2], [3, 88, 24, false, RE, 1],
    [5, 96, 40, true, HS, 2], [5, 240, 40, true, HS, 1], [5, 240, 40, true, HS, 1],
    [5, 120, 48, true, HS, 1], [5, 144, 48, true, HS, 1], [5, 288, 96, true, HS, 2],
    [5, 576, 96, true, HS, 1], [5, 576, 96, true, HS, 1],
  ],
  large: [
    [3, 16, 16, false, RE, 1], [3, 64, 24, false, RE, 2], [3, 72, 24, false, RE, 1],
    [5, 72, 40, true, RE, 2], [5, 120, 40, true, RE, 1], [5, 120, 40, true, RE, 1],
    [3, 240, 80, false, HS, 2], [3, 200, 80, false, HS, 1], [3, 184, 80, false, HS, 1],
    [3, 184, 80, false, HS, 1], [3, 480, 112, true, HS, 1], [3, 672, 112, true, HS, 1],
    [5, 672, 160, true, HS, 2], [5, 960, 160, true, HS, 1], [5, 960, 160, true, HS, 1],
  ],
};

export const buildMobileNetV3: BackboneBuilder = (scope, { width, inChannels, variant }) => {
  let channels = makeDivisible(16 * width);
  const blocks: Forward[] = [
    convBnAct(scope.child('stem'), { inChannels, outChannels: channels, kernel: 3, activation: HS }),
  ];
  configs[variant].forEach(([kernel, expandedBase, out, excite, activation, stride], i) => {
    const expanded = makeDivisible(expandedBase * width);
    const outChannels = makeDivisible(out * width);
    blocks.push(invertedResidual(scope.child(`block${i + 1}`), {
      inChannels: channels, expanded, outChannels, kernel, stride, activation,
      excite: excite ? { squeeze: makeDivisible(expanded / 4), activation: 'relu', gate: 'hardsigmoid' } : undefined,
    }));
    channels = outChannels;
  });
  const featureDim = 6 * channels;
  blocks.push(convBnAct(scope.child('last'), { inChannels: channels, outChannels: featureDim, kernel: 1, activation: HS }));
  return pooledBackbone(featureDim, blocks);
};
