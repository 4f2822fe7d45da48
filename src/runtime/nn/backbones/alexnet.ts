/**
 * AlexNet for 28-32 px input: five conv+BN+ReLU layers (64, 192, 384, 256, 256 channels x width),
 * kernels 5, 5, 3, 3, 3, a 2x2 max-pool after each of the first two, then global average pooling.
 * The ImageNet stride-4 stem and the fully connected layers are dropped (they would leave no
 * spatial extent at this size; the projection head plays the role of the FC layers).
 */
import { convBnAct, globalAveragePool, maxPool } from '../layers.ts';
import { scaleChannels, type BackboneBuilder } from './types.ts';

const layers = [
  { channels: 64, kernel: 5, pool: true },
  { channels: 192, kernel: 5, pool: true },
  { channels: 384, kernel: 3, pool: false },
  { channels: 256, kernel: 3, pool: false },
  { channels: 256, kernel: 3, pool: false },
];

export const buildAlexNet: BackboneBuilder = (scope, { width, inChannels }) => {
  let channels = inChannels;
  const stages = layers.map((layer, i) => {
    const outChannels = scaleChannels(layer.channels, width);
    const unit = convBnAct(scope.child(`conv${i + 1}`), {
      inChannels: channels, outChannels, kernel: layer.kernel, activation: 'relu',
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
