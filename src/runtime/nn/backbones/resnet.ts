/**
 * ResNet-18/34 with the CIFAR stem: one 3x3 stride-1 conv, no max-pool, then four stages of
 * basic blocks (64, 128, 256, 512 channels x width; strides 1, 2, 2, 2).
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, conv2d, convBnAct, type Forward } from '../layers.ts';
import type { ParamScope } from '../params.ts';
import { pooledBackbone, scaleChannels, type BackboneBuilder } from './types.ts';

function basicBlock(scope: ParamScope, inChannels: number, outChannels: number, stride: number): Forward {
  const first = convBnAct(scope.child('conv1'), { inChannels, outChannels, kernel: 3, stride, activation: 'relu' });
  const secondConv = conv2d(scope.child('conv2/conv'), { inChannels: outChannels, outChannels, kernel: 3 });
  const secondBn = batchNorm<tf.Tensor4D>(scope.child('conv2/bn'), outChannels);
  let shortcut: Forward = (x) => x;
  if (stride !== 1 || inChannels !== outChannels) {
    const conv = conv2d(scope.child('shortcut/conv'), { inChannels, outChannels, kernel: 1, stride });
    const bn = batchNorm<tf.Tensor4D>(scope.child('shortcut/bn'), outChannels);
    shortcut = (x, ctx) => bn(conv(x, ctx), ctx);
  }
  return (x, ctx) => tf.relu(tf.add<tf.Tensor4D>(secondBn(secondConv(first(x, ctx), ctx), ctx), shortcut(x, ctx)));
}

function resnet(blocksPerStage: number[]): BackboneBuilder {
  return (scope, { width, inChannels }) => {
    const stemChannels = scaleChannels(64, width);
    const blocks: Forward[] = [
      convBnAct(scope.child('stem'), { inChannels, outChannels: stemChannels, kernel: 3, activation: 'relu' }),
    ];
    let channels = stemChannels;
    blocksPerStage.forEach((count, stage) => {
      const outChannels = scaleChannels(64 * 2 ** stage, width);
      for (let i = 0; i < count; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        blocks.push(basicBlock(scope.child(`layer${stage + 1}.${i}`), channels, outChannels, stride));
        channels = outChannels;
      }
    });
    return pooledBackbone(channels, blocks);
  };
}

/** Basic blocks per stage (also what the PyTorch twin's layer numbering follows: torch-names.ts). */
export const resnetStages = { resnet18: [2, 2, 2, 2], resnet34: [3, 4, 6, 3] } as const;

export const buildResNet18 = resnet([...resnetStages.resnet18]);
export const buildResNet34 = resnet([...resnetStages.resnet34]);
