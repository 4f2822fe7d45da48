/**
 * AlexNet for 28-32 px input: five conv+BN+ReLU layers (64, 192, 384, 256, 256 channels x width),
 * kernels 5, 5, 3, 3, 3, a stride-2 first layer and a 2x2 max-pool after each of the first two,
 * then global average pooling. The stride-2 stem stands in for ImageNet's stride-4 one: conv3-5
 * see the same share of the image as in the original (about 1/8 of its side), at a fifth of the
 * FLOPs of a stride-1 stem. The fully connected layers are dropped (the projection head plays
 * their role).
 */
import { convBnAct, globalAveragePool, maxPool } from '../layers.ts';
import { scaleChannels, type BackboneBuilder } from './types.ts';

/** Conv layers in order (also what the PyTorch twin's layer numbering follows: torch-names.ts). */
export const alexnetLayers = [
  { channels: 64, kernel: 5, stride: 2, pool: true },
  { channels: 192, kernel: 5, stride: 1, pool: true },
  { channels: 384, kernel: 3, stride: 1, pool: false },
  { channels: 256, kernel: 3, stride: 1, pool: false },
  { channels: 256, kernel: 3, stride: 1, pool: false },
];

export const buildAlexNet: BackboneBuilder = (scope, { width, inChannels }) => {
  let channels = inChannels;
  const stages = alexnetLayers.map((layer, i) => {
    const outChannels = scaleChannels(layer.channels, width);
    const unit = convBnAct(scope.child(`conv${i + 1}`), {
      inChannels: channels, outChannels, kernel: layer.kernel, stride: layer.stride, activation: 'relu',
    });
    channels = outChannels;
    return { unit, pool: layer.pool };
  });
  return {
    featureDim: channels,
    forward: (x, ctx) => {
      for (const { unit, pool } of stages) {
        x = unit(x, ctx);
        if (pool) x = maxPool(x, 2);
      }
      return globalAveragePool(x);
    },
  };
};
