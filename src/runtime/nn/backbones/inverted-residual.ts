/**
 * The inverted residual (MBConv) block shared by MobileNetV2, MobileNetV3 and EfficientNet:
 * 1x1 expansion (skipped when it would not widen), depthwise conv, optional squeeze-excitation,
 * linear 1x1 projection, identity shortcut when shape is kept.
 */
import * as tf from '@tensorflow/tfjs-core';
import { convBnAct, squeezeExcite, type Activation, type Forward } from '../layers.ts';
import type { ParamScope } from '../params.ts';
import { sequence } from './types.ts';

export interface InvertedResidualOptions {
  inChannels: number;
  expanded: number;
  outChannels: number;
  kernel: number;
  stride: number;
  activation: Activation;
  excite?: { squeeze: number; activation: Activation; gate: 'sigmoid' | 'hardsigmoid' };
}

export function invertedResidual(scope: ParamScope, options: InvertedResidualOptions): Forward {
  const { inChannels, expanded, outChannels, kernel, stride, activation, excite } = options;
  const steps: Forward[] = [];
  if (expanded !== inChannels) {
    steps.push(convBnAct(scope.child('expand'), { inChannels, outChannels: expanded, kernel: 1, activation }));
  }
  steps.push(convBnAct(scope.child('depthwise'), {
    inChannels: expanded, outChannels: expanded, kernel, stride, activation, depthwise: true,
  }));
  if (excite) steps.push(squeezeExcite(scope.child('se'), { channels: expanded, ...excite }));
  steps.push(convBnAct(scope.child('project'), { inChannels: expanded, outChannels, kernel: 1, activation: 'none' }));
  const body = sequence(steps);
  const residual = stride === 1 && inChannels === outChannels;
  return residual ? (x, ctx) => tf.add(x, body(x, ctx)) : body;
}
