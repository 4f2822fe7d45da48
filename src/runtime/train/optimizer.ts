/** The optimiser and learning-rate schedule an experiment names, built from its settings. */
import * as tf from '@tensorflow/tfjs-core';
import { createAdamW } from '../optim/adamw.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { cosineSchedule, stepSchedule, type LrSchedule } from '../optim/schedule.ts';
import { createSgd } from '../optim/sgd.ts';
import type { OptimizerSettings, ScheduleSettings } from './settings.ts';

export function buildOptimizer(settings: OptimizerSettings, variables: Map<string, tf.Variable>): Optimizer {
  return settings.kind === 'sgd' ? createSgd(variables, settings) : createAdamW(variables, settings);
}

export function buildSchedule(settings: ScheduleSettings, lr: number, stepsPerEpoch: number): LrSchedule {
  return settings.kind === 'cosine'
    ? cosineSchedule({ ...settings, lr, stepsPerEpoch })
    : stepSchedule({ ...settings, lr, stepsPerEpoch });
}
