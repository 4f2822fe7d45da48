/** RK0507: step-schedule milestones must increase and fall inside training. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const milestonesInTraining: ExperimentRule<'RK0507'> = {
  code: 'RK0507',
  checkExperiment({ experiment, spanOf }, report) {
    const schedule = experiment.schedule;
    if (schedule.kind !== 'step') return;
    const increasing = schedule.milestones.every((m, i) => i === 0 || m > schedule.milestones[i - 1]);
    const inside = schedule.milestones.every((m) => m < schedule.epochs);
    if (increasing && inside) return;
    const problem = !increasing ? 'must be strictly increasing' : `must all be less than epochs (${schedule.epochs})`;
    report(diagnostic(this.code, `milestones ${problem}`, spanOf('schedule.milestones')));
  },
};
