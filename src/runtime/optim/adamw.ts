/**
 * AdamW (Loshchilov and Hutter 2019, PyTorch semantics): decoupled decay θ *= 1 - lr·wd on decayed
 * variables, then the bias-corrected Adam step θ -= lr·m̂ / (sqrt(v̂) + eps).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  createSlots, decayPredicate, disposeAll, gradientPairs, type Optimizer, type WeightDecayOptions,
} from './optimizer.ts';

export interface AdamWOptions extends Partial<WeightDecayOptions> {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export function createAdamW(variables: Map<string, tf.Variable>, options: AdamWOptions = {}): Optimizer {
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.05 } = options;
  for (const [label, beta] of [['beta1', beta1], ['beta2', beta2]] as const) {
    if (!(beta >= 0 && beta < 1)) throw new Error(`adamw: ${label} must be in [0, 1), got ${beta}`);
  }
  if (!(eps > 0)) throw new Error(`adamw: eps must be > 0, got ${eps}`);
  if (!(weightDecay >= 0)) throw new Error(`adamw: weight_decay must be >= 0, got ${weightDecay}`);
  const decayed = decayPredicate({ weightDecay, ...options });
  const firstMoments = createSlots('m', variables);
  const secondMoments = createSlots('v', variables);
  let updates = 0;
  return {
    kind: 'adamw',
    step(grads, lr) {
      const t = updates + 1;
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      tf.tidy(() => {
        for (const [name, variable, grad] of gradientPairs(grads, variables)) {
          const m = firstMoments.get(`m/${name}`)!;
          const v = secondMoments.get(`v/${name}`)!;
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2)));
          const decayedValue = weightDecay > 0 && decayed(name) ? tf.mul(variable, 1 - lr * weightDecay) : variable;
          const denominator = tf.add(tf.sqrt(tf.div(v, correction2)), eps);
          variable.assign(tf.sub(decayedValue, tf.div(tf.mul(m, lr / correction1), denominator)));
        }
      });
      updates = t;
    },
    slots: () => new Map([...firstMoments, ...secondMoments]),
    getState: () => ({ updates }),
    setState: (state) => { updates = state.updates; },
    dispose: () => disposeAll([...firstMoments.values(), ...secondMoments.values()]),
  };
}
