/** RK0504: the learning-rate warm-up must end before training does. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const warmupBeforeEnd: ExperimentRule = {
  code: 'RK0504',
  title: 'warmup_epochs < epochs',
  checkExperiment({ experiment, spanOf }, report) {
    const { warmup_epochs: warmup, epochs } = experiment.schedule;
    if (warmup < epochs) return;
    report(diagnostic('error', this.code, `warmup_epochs (${warmup}) must be less than epochs (${epochs})`, spanOf('schedule.warmup_epochs')));
  },
};
