/**
 * Momentum (EMA) copies: the MoCo key encoder and the online teacher's momentum encoder.
 * θ_k <- m θ_k + (1 - m) θ_s for trained variables; BatchNorm running statistics are copied.
 */
import * as tf from '@tensorflow/tfjs-core';
import { linearCombination } from '../kernels/linear-combination.ts';
import { Rng } from '../random.ts';
import { buildEncoder, type Encoder } from './encoder.ts';
import { ParamStore } from './params.ts';

/** A non-trainable encoder of the same architecture holding a copy of every variable of `source`. */
export function createMomentumCopy(source: Encoder): Encoder {
  // The Rng is never drawn from: every variable takes its value from the source.
  return buildEncoder(source.config, new ParamStore(new Rng(0), false, source.state()));
}

export function momentumUpdate(target: Encoder, source: Encoder, momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`momentum must be in [0, 1], got ${momentum}`);
  const targetState = target.state();
  const trained = source.trainableVariables();
  tf.tidy(() => {
    for (const [name, sourceVariable] of source.state()) {
      const targetVariable = targetState.get(name);
      if (!targetVariable) throw new Error(`momentum update: the copy has no variable '${name}'`);
      targetVariable.assign(trained.has(name) ? linearCombination([targetVariable, momentum], [sourceVariable, 1 - momentum]) : sourceVariable);
    }
  });
}
