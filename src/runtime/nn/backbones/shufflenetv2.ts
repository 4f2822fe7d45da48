/**
 * ShuffleNetV2 (Ma et al. 2018) with a stride-1 stem and no max-pool for 28-32 px input. Stage
 * widths are the 1.0x ones (116, 232, 464) x width, rounded to a multiple of 4 so the channel
 * split stays even (this matches the official tables at 1.0x only); conv5 has 1024 channels
 * (2048 from width 2, as in the paper).
 */
import * as tf from '@tensorflow/tfjs-core';
import { channelShuffle, convBnAct, makeDivisible, type Forward } from '../layers.ts';
import type { ParamScope } from '../params.ts';
import { pooledBackbone, sequence, type BackboneBuilder } from './types.ts';

const repeats = [4, 8, 4];
const stageChannels = [116, 232, 464];

function branch(scope: ParamScope, inChannels: number, outChannels: number, stride: number): Forward {
  return sequence([
    convBnAct(scope.child('pw1'), { inChannels, outChannels, kernel: 1, activation: 'relu' }),
    convBnAct(scope.child('dw'), { inChannels: outChannels, outChannels, kernel: 3, stride, activation: 'none', depthwise: true }),
    convBnAct(scope.child('pw2'), { inChannels: outChannels, outChannels, kernel: 1, activation: 'relu' }),
  ]);
}

/** Stride 1: split channels, transform one half. Stride 2: transform both copies, doubling width. */
function shuffleUnit(scope: ParamScope, inChannels: number, outChannels: number, stride: number): Forward {
  const half = outChannels / 2;
  if (stride === 1) {
    const right = branch(scope.child('branch2'), half, half, 1);
    return (x, ctx) => {
      const [a, b] = tf.split<tf.Tensor4D>(x, 2, 3);
      return channelShuffle(tf.concat([a, right(b, ctx)], 3), 2);
    };
  }
  const left = sequence([
    convBnAct(scope.child('branch1/dw'), { inChannels, outChannels: inChannels, kernel: 3, stride, activation: 'none', depthwise: true }),
    convBnAct(scope.child('branch1/pw'), { inChannels, outChannels: half, kernel: 1, activation: 'relu' }),
  ]);
  const right = branch(scope.child('branch2'), inChannels, half, stride);
  return (x, ctx) => channelShuffle(tf.concat([left(x, ctx), right(x, ctx)], 3), 2);
}

export const buildShuffleNetV2: BackboneBuilder = (scope, { width, inChannels }) => {
  let channels = 24;
  const blocks: Forward[] = [
    convBnAct(scope.child('stem'), { inChannels, outChannels: channels, kernel: 3, activation: 'relu' }),
  ];
  stageChannels.forEach((c, stage) => {
    const outChannels = makeDivisible(c * width, 4);
    for (let i = 0; i < repeats[stage]; i++) {
      blocks.push(shuffleUnit(scope.child(`stage${stage + 2}.${i}`), channels, outChannels, i === 0 ? 2 : 1));
      channels = outChannels;
    }
  });
  const featureDim = width >= 2 ? 2048 : 1024;
  blocks.push(convBnAct(scope.child('conv5'), { inChannels: channels, outChannels: featureDim, kernel: 1, activation: 'relu' }));
  return pooledBackbone(featureDim, blocks);
};
