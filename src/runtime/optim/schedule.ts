/**
 * Learning-rate schedules as functions of the global step (0-based). Both ramp linearly from
 * lr / warmupSteps to lr over the warm-up, then follow their shape over the remaining steps.
 */
export type LrSchedule = (step: number) => number;

export interface ScheduleTiming {
  /** Base learning rate (the optimiser's `lr`). */
  lr: number;
  epochs: number;
  stepsPerEpoch: number;
  warmupEpochs?: number;
}

function checkTiming(kind: string, { lr, epochs, stepsPerEpoch, warmupEpochs = 0 }: ScheduleTiming): number {
  if (!(lr > 0)) throw new Error(`schedule ${kind}: lr must be > 0, got ${lr}`);
  if (!(Number.isInteger(epochs) && epochs > 0)) throw new Error(`schedule ${kind}: epochs must be a positive integer, got ${epochs}`);
  if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0)) {
    throw new Error(`schedule ${kind}: stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  }
  if (!(warmupEpochs >= 0 && warmupEpochs < epochs)) {
    throw new Error(`schedule ${kind}: warmup_epochs must be in [0, epochs), got ${warmupEpochs}`);
  }
  return Math.round(warmupEpochs * stepsPerEpoch);
}

/** Cosine decay from lr to finalLr over the steps after warm-up (flat at finalLr past the end). */
export function cosineSchedule(options: ScheduleTiming & { finalLr?: number }): LrSchedule {
  const warmupSteps = checkTiming('cosine', options);
  const { lr, epochs, stepsPerEpoch, finalLr = 0 } = options;
  const decaySteps = epochs * stepsPerEpoch - warmupSteps;
  return (step) => {
    if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / decaySteps);
    return finalLr + (lr - finalLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** lr x gamma^(number of milestone epochs reached) after warm-up. */
export function stepSchedule(options: ScheduleTiming & { milestones: readonly number[]; gamma?: number }): LrSchedule {
  const warmupSteps = checkTiming('step', options);
  const { lr, stepsPerEpoch, milestones, gamma = 0.1 } = options;
  if (milestones.some((m, i) => !(m > 0) || (i > 0 && m <= milestones[i - 1]))) {
    throw new Error(`schedule step: milestones must be increasing positive epochs, got [${milestones.join(', ')}]`);
  }
  return (step) => {
    if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
    const epoch = Math.floor(step / stepsPerEpoch);
    return lr * gamma ** milestones.filter((m) => epoch >= m).length;
  };
}
