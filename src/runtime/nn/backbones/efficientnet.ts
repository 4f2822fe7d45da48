/**
 * EfficientNet-B0 (Tan and Le 2019) with a stride-1 stem for 28-32 px input: MBConv blocks with
 * swish and squeeze-excitation (squeeze = block input / 4), head conv to 4 x 320 channels.
 * Stochastic depth is not applied (it is a regulariser of long ImageNet schedules).
 */
import { convBnAct, makeDivisible, type Forward } from '../layers.ts';
import { invertedResidual } from './inverted-residual.ts';
import { pooledBackbone, type BackboneBuilder } from './types.ts';

/** [expansion, kernel, first stride, channels, repeats] per stage. */
const stages: [number, number, number, number, number][] = [
  [1, 3, 1, 16, 1], [6, 3, 2, 24, 2], [6, 5, 2, 40, 2], [6, 3, 2, 80, 3],
  [6, 5, 1, 112, 3], [6, 5, 2, 192, 4], [6, 3, 1, 320, 1],
];

export const buildEfficientNetB0: BackboneBuilder = (scope, { width, inChannels }) => {
  let channels = makeDivisible(32 * width);
  const blocks: Forward[] = [
    convBnAct(scope.child('stem'), { inChannels, outChannels: channels, kernel: 3, activation: 'swish' }),
  ];
  stages.forEach(([expansion, kernel, firstStride, c, repeats], stage) => {
    const outChannels = makeDivisible(c * width);
    for (let i = 0; i < repeats; i++) {
      blocks.push(invertedResidual(scope.child(`stage${stage + 1}.${i}`), {
        inChannels: channels, expanded: makeDivisible(channels * expansion), outChannels, kernel,
        stride: i === 0 ? firstStride : 1, activation: 'swish',
        excite: { squeeze: Math.max(1, Math.floor(channels / 4)), activation: 'swish', gate: 'sigmoid' },
      }));
      channels = outChannels;
    }
  });
  const featureDim = 4 * channels;
  blocks.push(convBnAct(scope.child('head'), { inChannels: channels, outChannels: featureDim, kernel: 1, activation: 'swish' }));
  return pooledBackbone(featureDim, blocks);
};
