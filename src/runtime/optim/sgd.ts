/**
 * SGD with momentum (PyTorch semantics, no dampening): g = ∇ + wd·θ (decayed variables only),
 * b = μ·b + g, θ -= lr·(Nesterov ? g + μ·b : b).
 */
import * as tf from '@tensorflow/tfjs-core';
import { linearCombination } from '../kernels/linear-combination.ts';
import {
  createSlots, decayPredicate, disposeAll, gradientPairs, type Optimizer, type WeightDecayOptions,
} from './optimizer.ts';

export interface SgdOptions extends Partial<WeightDecayOptions> {
  momentum?: number;
  nesterov?: boolean;
}

export function createSgd(variables: Map<string, tf.Variable>, options: SgdOptions = {}): Optimizer {
  const { momentum = 0.9, nesterov = false, weightDecay = 5e-4 } = options;
  if (!(momentum >= 0 && momentum < 1)) throw new Error(`sgd: momentum must be in [0, 1), got ${momentum}`);
  if (!(weightDecay >= 0)) throw new Error(`sgd: weight_decay must be >= 0, got ${weightDecay}`);
  const decayed = decayPredicate({ weightDecay, ...options });
  const buffers = createSlots('momentum', variables);
  let updates = 0;
  return {
    kind: 'sgd',
    step(grads, lr) {
      tf.tidy(() => {
        // Each update is one linear combination (one pass where the native kernel runs):
        // b' = μ b + ∇ + wd θ, then θ' = θ - lr b', or with Nesterov θ' = (1 - lr wd) θ - lr ∇ - lr μ b'.
        for (const [name, variable, grad] of gradientPairs(grads, variables)) {
          const decay = weightDecay > 0 && decayed(name) ? weightDecay : 0;
          const buffer = buffers.get(`momentum/${name}`)!;
          buffer.assign(decay > 0
            ? linearCombination([buffer, momentum], [grad, 1], [variable, decay])
            : linearCombination([buffer, momentum], [grad, 1]));
          variable.assign(nesterov
            ? linearCombination([variable, 1 - lr * decay], [grad, -lr], [buffer, -lr * momentum])
            : linearCombination([variable, 1], [buffer, -lr]));
        }
      });
      updates++;
    },
    slots: () => new Map(buffers),
    getState: () => ({ updates }),
    setState: (state) => { updates = state.updates; },
    dispose: () => disposeAll(buffers.values()),
  };
}
