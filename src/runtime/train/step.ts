/**
 * One training step: teacher and key embeddings (no gradient), the weighted student loss plus the
 * online teacher's own loss in one gradient pass (their variables are disjoint and t carries no
 * gradient, so no student gradient reaches the teacher), a finite-loss check before any weight
 * changes, the optimiser update, then momentum updates, miner update and enqueue.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchTensors } from '../data/tensors.ts';
import { computeGradients } from '../optim/gradients.ts';
import type { MinerAccuracy } from '../objectives/diagnostics.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { disposePrepared, type StudentObjective } from './objective.ts';
import type { Teacher } from './teacher.ts';

/** A loss term came out NaN or infinite; the weights were left as they were before the step. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(readonly step: number, readonly term: string, readonly value: number) {
    super(`loss term '${term}' is ${value} at step ${step}; the run stopped (the last good checkpoint is kept)`);
  }
}

export interface StepParts {
  objective: StudentObjective;
  teacher?: Teacher;
  optimizer: Optimizer;
  /** Every variable the optimiser updates (student, classifier, online teacher). */
  trainable: Map<string, tf.Variable>;
}

export interface StepValues {
  /** `total` (the student's weighted sum), each unweighted term, and `teacher` for an online teacher. */
  losses: Record<string, number>;
  /** The relation miner's mining of this batch measured against the classes, when there was one. */
  minerAccuracy?: MinerAccuracy;
}

/** Runs step number `step` (1-based, for messages) at learning rate `lr`. */
export function trainingStep(parts: StepParts, inputs: BatchTensors, lr: number, step: number): StepValues {
  const { objective, teacher, optimizer } = parts;
  const teacherPrepared = teacher?.prepare(inputs);
  const t = teacherPrepared?.t;
  const prepared = objective.prepare(inputs, t, step);
  const weights = objective.weights();
  let named: Record<string, tf.Scalar> = {};
  const { loss, grads } = computeGradients(() => {
    const terms = objective.lossTerms(inputs, prepared, t);
    const total = Object.entries(terms).reduce<tf.Scalar>((sum, [name, term]) => tf.add(sum, tf.mul(term, weights[name])), tf.scalar(0));
    // Terms before the total, so a non-finite loss is reported by the term that caused it.
    named = { ...terms };
    if (teacher?.loss) named.teacher = teacher.loss(inputs, teacherPrepared!);
    named.total = total;
    for (const value of Object.values(named)) tf.keep(value);
    return named.teacher ? tf.add(total, named.teacher) : total;
  }, parts.trainable);
  const names = Object.keys(named);
  const values = tf.tidy(() => tf.stack(Object.values(named)).dataSync());
  tf.dispose([loss, ...Object.values(named)]);
  const bad = names.findIndex((_, i) => !Number.isFinite(values[i]));
  if (bad >= 0) {
    tf.dispose(Object.values(grads));
    disposePrepared(prepared);
    if (teacherPrepared) tf.dispose([teacherPrepared.t, ...(teacherPrepared.key ? [teacherPrepared.key] : [])]);
    throw new NonFiniteLossError(step, names[bad], values[bad]);
  }
  optimizer.step(grads, lr);
  tf.dispose(Object.values(grads));
  const { minerAccuracy } = prepared;
  objective.afterStep(inputs, prepared, t);
  if (teacherPrepared) teacher!.afterStep(teacherPrepared);
  return { losses: Object.fromEntries(names.map((name, i) => [name, values[i]])), minerAccuracy };
}
