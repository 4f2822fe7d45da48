/**
 * Functional layers over named variables (NHWC). A layer is built once from a scope (creating its
 * variables) and returns a forward function. Forward functions take a context saying whether the
 * model trains (BatchNorm behaviour) and, when describing a model, a counter of multiply-adds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTraining } from '../kernels/batch-norm-training.ts';
import { linearCombination } from '../kernels/linear-combination.ts';
import { hardSwish, swish } from '../kernels/native-activations.ts';
import { constant, heNormalFanOut, uniformFanIn, type ParamScope } from './params.ts';

export interface ForwardContext {
  /** Training: BatchNorm normalises with batch statistics and updates its running statistics. */
  training: boolean;
  /**
   * False: in training, BatchNorm leaves its running statistics as they are (a momentum key
   * encoder's, which are copied from the query encoder after each step anyway). Default true.
   */
  updateStatistics?: boolean;
  /**
   * The weight of this batch in BatchNorm's running statistics (default the momentum, 0.1).
   * 1 / (n + 1) on the n-th batch (from 0) makes them the plain mean over the batches seen.
   */
  statisticsWeight?: number;
  /**
   * In training, BatchNorm statistics per group of G equal contiguous parts of the batch (MoCo's
   * shuffling BN on one device: batch-groups.ts); the running statistics take their mean. Default 1.
   */
  batchGroups?: number;
  /** When set, layers add their multiply-accumulates per image (conv and linear layers only). */
  cost?: { macs: number };
}

export type Forward<In extends tf.Tensor = tf.Tensor4D, Out extends tf.Tensor = tf.Tensor4D> = (
  x: In,
  ctx: ForwardContext,
) => Out;

export type Activation = 'relu' | 'relu6' | 'hardswish' | 'swish' | 'none';

export function activate<T extends tf.Tensor>(x: T, kind: Activation): T {
  switch (kind) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'hardswish':
      return hardSwish(x);
    case 'swish':
      return swish(x);
    case 'none':
      return x;
  }
}

/** relu6(x + 3) / 6: MobileNetV3's cheap sigmoid. */
export function hardSigmoid<T extends tf.Tensor>(x: T): T {
  return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

/** PyTorch-style symmetric padding k // 2, so output size is ceil(input / stride) for odd k. */
function samePadding(kernel: number): number {
  return Math.floor(kernel / 2);
}

export interface ConvOptions {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  bias?: boolean;
}

export function conv2d(scope: ParamScope, options: ConvOptions): Forward {
  const { inChannels, outChannels, kernel, stride = 1, bias = false } = options;
  const filter = scope.create('kernel', [kernel, kernel, inChannels, outChannels],
    heNormalFanOut(kernel * kernel * outChannels));
  const shift = bias ? scope.create('bias', [outChannels], constant(0)) : null;
  const pad = samePadding(kernel);
  return (x, ctx) => {
    const y = tf.conv2d(x, filter as tf.Tensor4D, stride, pad);
    if (ctx.cost) ctx.cost.macs += y.shape[1] * y.shape[2] * outChannels * kernel * kernel * inChannels;
    return shift ? tf.add(y, shift) : y;
  };
}

/** One filter per channel (channel multiplier 1). */
export function depthwiseConv2d(scope: ParamScope, options: { channels: number; kernel: number; stride?: number }): Forward {
  const { channels, kernel, stride = 1 } = options;
  const filter = scope.create('kernel', [kernel, kernel, channels, 1], heNormalFanOut(kernel * kernel));
  const pad = samePadding(kernel);
  return (x, ctx) => {
    const y = tf.depthwiseConv2d(x, filter as tf.Tensor4D, stride, pad);
    if (ctx.cost) ctx.cost.macs += y.shape[1] * y.shape[2] * channels * kernel * kernel;
    return y;
  };
}

const batchNormMomentum = 0.1;
const batchNormEpsilon = 1e-5;

/**
 * BatchNorm over the last axis (works for [B, C] and [B, H, W, C]). Training: normalises with the
 * batch mean and biased variance and moves the running statistics (PyTorch convention: momentum
 * 0.1, unbiased variance in the running estimate) through the kernels' batchNormTraining op (its
 * closed-form gradient is cheaper than autodiff through the statistics). Eval: running statistics.
 * With `relu`, the output is max(BatchNorm(x), 0), fused into the training op.
 */
export function batchNorm<T extends tf.Tensor>(scope: ParamScope, channels: number, relu = false): Forward<T, T> {
  const gamma = scope.create('gamma', [channels], constant(1));
  const beta = scope.create('beta', [channels], constant(0));
  const runningMean = scope.create('running_mean', [channels], constant(0));
  const runningVar = scope.create('running_var', [channels], constant(1));
  const updateRunningStatistics = (mean: tf.Tensor, variance: tf.Tensor, count: number, weight: number) => {
    // The running variance takes the unbiased estimate: variance x count / (count - 1).
    const unbiased = weight * count / Math.max(count - 1, 1);
    runningMean.assign(linearCombination([runningMean, 1 - weight], [mean, weight]));
    runningVar.assign(linearCombination([runningVar, 1 - weight], [variance, unbiased]));
  };
  return (x, ctx) => {
    if (!ctx.training) {
      const y = tf.batchNorm(x, runningMean, runningVar, beta, gamma, batchNormEpsilon) as T;
      return relu ? tf.relu(y) : y;
    }
    const groups = ctx.batchGroups ?? 1;
    const count = x.size / channels / groups;
    const weight = ctx.statisticsWeight ?? batchNormMomentum;
    // With groups, the mean of the groups' statistics (each over `count` values), as MoCo's per-GPU BatchNorm.
    const overGroups = (statistic: tf.Tensor) => (groups === 1 ? statistic : tf.mean(tf.reshape(statistic, [groups, channels]), 0));
    const onStatistics = ctx.updateStatistics === false
      ? undefined
      : (mean: tf.Tensor, variance: tf.Tensor) => tf.tidy(() => updateRunningStatistics(overGroups(mean), overGroups(variance), count, weight));
    return batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, batchNormEpsilon, onStatistics, relu, groups);
  };
}

export function linear(scope: ParamScope, options: { inFeatures: number; outFeatures: number; bias?: boolean }): Forward<tf.Tensor2D, tf.Tensor2D> {
  const { inFeatures, outFeatures, bias = true } = options;
  const init = uniformFanIn(inFeatures);
  const weight = scope.create('kernel', [inFeatures, outFeatures], init);
  const shift = bias ? scope.create('bias', [outFeatures], init) : null;
  return (x, ctx) => {
    if (ctx.cost) ctx.cost.macs += inFeatures * outFeatures;
    const y = tf.matMul<tf.Tensor2D>(x, weight);
    return shift ? tf.add<tf.Tensor2D>(y, shift) : y;
  };
}

/** Convolution (dense or depthwise), BatchNorm, activation: the unit every backbone is made of. */
export function convBnAct(
  scope: ParamScope,
  options: ConvOptions & { activation: Activation; depthwise?: boolean },
): Forward {
  const { activation, depthwise = false, ...conv } = options;
  if (depthwise && conv.inChannels !== conv.outChannels) {
    throw new Error(`depthwise convolution needs equal in/out channels, got ${conv.inChannels} -> ${conv.outChannels}`);
  }
  const convolve = depthwise
    ? depthwiseConv2d(scope.child('conv'), { channels: conv.inChannels, kernel: conv.kernel, stride: conv.stride })
    : conv2d(scope.child('conv'), conv);
  // A ReLU is fused into the BatchNorm (one pass less forward and backward).
  const fuseRelu = activation === 'relu';
  const normalise = batchNorm<tf.Tensor4D>(scope.child('bn'), conv.outChannels, fuseRelu);
  return (x, ctx) => {
    const normalised = normalise(convolve(x, ctx), ctx);
    return fuseRelu ? normalised : activate(normalised, activation);
  };
}

export function maxPool(x: tf.Tensor4D, size: number, stride = size): tf.Tensor4D {
  return tf.maxPool(x, size, stride, 'valid');
}

/** [B, H, W, C] -> [B, C]. */
export function globalAveragePool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]);
}

/**
 * Squeeze-and-excitation: channel gates from pooled features through a bottleneck (two linear
 * layers with biases), multiplied back onto the input.
 */
export function squeezeExcite(
  scope: ParamScope,
  options: { channels: number; squeeze: number; activation: Activation; gate: 'sigmoid' | 'hardsigmoid' },
): Forward {
  const { channels, squeeze, activation, gate } = options;
  const reduce = linear(scope.child('reduce'), { inFeatures: channels, outFeatures: squeeze });
  const expand = linear(scope.child('expand'), { inFeatures: squeeze, outFeatures: channels });
  return (x, ctx) => {
    const hidden = activate(reduce(globalAveragePool(x), ctx), activation);
    const logits = expand(hidden, ctx);
    const weights = gate === 'sigmoid' ? tf.sigmoid(logits) : hardSigmoid(logits);
    return tf.mul(x, tf.reshape(weights, [x.shape[0], 1, 1, channels]));
  };
}

/** ShuffleNet's channel shuffle: interleave the channels of `groups` groups. */
export function channelShuffle(x: tf.Tensor4D, groups: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (c % groups !== 0) throw new Error(`channel shuffle: ${c} channels do not split into ${groups} groups`);
  const grouped = tf.reshape(x, [b, h, w, groups, c / groups]);
  return tf.reshape(tf.transpose(grouped, [0, 1, 2, 4, 3]), [b, h, w, c]);
}

/** Round a scaled channel count to a multiple of `divisor`, never dropping below 90% (MobileNet rule). */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}
