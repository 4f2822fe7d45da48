import * as tf from '@tensorflow/tfjs-core';
import { isDecayedWeight } from '../nn/params.ts';

/** Gradients by variable name (the names of encoder.trainableVariables()). */
export type NamedGradients = Record<string, tf.Tensor>;

export interface Optimizer {
  readonly kind: 'sgd' | 'adamw';
  /** Updates every variable that has a gradient, at learning rate `lr` (from the schedule). */
  step(grads: NamedGradients, lr: number): void;
  /** Slot variables by name (`<slot>/<variable name>`): for checkpoints, restored in place. */
  slots(): Map<string, tf.Variable>;
  /** Number of updates done (AdamW's bias correction depends on it): for checkpoint metadata. */
  getState(): { updates: number };
  setState(state: { updates: number }): void;
  dispose(): void;
}

export interface WeightDecayOptions {
  weightDecay: number;
  /** Which variables decay; default: conv and linear kernels (not biases, not BatchNorm). */
  decayed?: (name: string) => boolean;
}

/** One zero-initialised slot per variable, named `<slot>/<variable name>`. */
export function createSlots(slot: string, variables: Map<string, tf.Variable>): Map<string, tf.Variable> {
  const slots = new Map<string, tf.Variable>();
  for (const [name, variable] of variables) {
    slots.set(`${slot}/${name}`, tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
  }
  return slots;
}

/** Pairs each gradient with its variable, rejecting gradients for unknown names. */
export function* gradientPairs(
  grads: NamedGradients,
  variables: Map<string, tf.Variable>,
): Generator<[string, tf.Variable, tf.Tensor]> {
  for (const [name, grad] of Object.entries(grads)) {
    const variable = variables.get(name);
    if (!variable) throw new Error(`optimizer: gradient for unknown variable '${name}'`);
    yield [name, variable, grad];
  }
}

export function decayPredicate(options: WeightDecayOptions): (name: string) => boolean {
  return options.decayed ?? isDecayedWeight;
}

export function disposeAll(variables: Iterable<tf.Variable>): void {
  for (const variable of variables) variable.dispose();
}
