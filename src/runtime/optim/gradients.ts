import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from './optimizer.ts';

/**
 * Loss value and its gradients with respect to `variables`, keyed by our variable names (tfjs
 * keys them by its internal names). Variables the loss does not depend on get no entry.
 */
export function computeGradients(
  loss: () => tf.Scalar,
  variables: Map<string, tf.Variable>,
): { loss: tf.Scalar; grads: NamedGradients } {
  const ourName = new Map<string, string>();
  for (const [name, variable] of variables) ourName.set(variable.name, name);
  const { value, grads } = tf.variableGrads(loss, [...variables.values()]);
  const named: NamedGradients = {};
  for (const [internal, grad] of Object.entries(grads)) named[ourName.get(internal)!] = grad;
  return { loss: value, grads: named };
}
