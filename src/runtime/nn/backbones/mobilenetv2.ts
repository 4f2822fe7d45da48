/**
 * MobileNetV2 (Sandler et al. 2018) for 28-32 px input: the ImageNet layout with the stem and the
 * second stage at stride 1 (the usual CIFAR change), so four stride-2 steps become two.
 */
import { convBnAct, makeDivisible, type Forward } from '../layers.ts';
import { invertedResidual } from './inverted-residual.ts';
import { pooledBackbone, type BackboneBuilder } from './types.ts';

/** [expansion t, channels c, repeats n, first stride s] per stage. */
const stages: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export const buildMobileNetV2: BackboneBuilder = (scope, { width, inChannels }) => {
  let channels = makeDivisible(32 * width);
  const blocks: Forward[] = [
    convBnAct(scope.child('stem'), { inChannels, outChannels: channels, kernel: 3, activation: 'relu6' }),
  ];
  stages.forEach(([expansion, c, repeats, firstStride], stage) => {
    const outChannels = makeDivisible(c * width);
    for (let i = 0; i < repeats; i++) {
      blocks.push(invertedResidual(scope.child(`stage${stage + 1}.${i}`), {
        inChannels: channels, expanded: Math.round(channels * expansion), outChannels,
        kernel: 3, stride: i === 0 ? firstStride : 1, activation: 'relu6',
      }));
      channels = outChannels;
    }
  });
  // The last layer never shrinks below 1280 (as in the paper's width-multiplier rule).
  const featureDim = makeDivisible(1280 * Math.max(1, width));
  blocks.push(convBnAct(scope.child('last'), { inChannels: channels, outChannels: featureDim, kernel: 1, activation: 'relu6' }));
  return pooledBackbone(featureDim, blocks);
};
