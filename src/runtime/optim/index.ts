/** Optimisers (SGD with momentum / Nesterov, AdamW), learning-rate schedules, gradients. */
export { createSgd } from './sgd.ts';
export type { SgdOptions } from './sgd.ts';
export { createAdamW } from './adamw.ts';
export type { AdamWOptions } from './adamw.ts';
export type { NamedGradients, Optimizer, WeightDecayOptions } from './optimizer.ts';
export { cosineSchedule, stepSchedule } from './schedule.ts';
export type { LrSchedule, ScheduleTiming } from './schedule.ts';
export { computeGradients } from './gradients.ts';
