/** RK0504: the learning-rate warm-up must end before training does (the experiment's and a teacher pretrain stage's). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const warmupBeforeEnd: ExperimentRule<'RK0504'> = {
  code: 'RK0504',
  checkExperiment({ experiment, spanOf }, report) {
    const schedules: Array<[string, { warmup_epochs: number; epochs: number }]> = [['schedule', experiment.schedule]];
    if (experiment.teacher?.pretrain) schedules.push(['teacher.pretrain', experiment.teacher.pretrain]);
    for (const [path, { warmup_epochs: warmup, epochs }] of schedules) {
      if (warmup < epochs) continue;
      report(diagnostic(this.code, `warmup_epochs (${warmup}) must be less than epochs (${epochs})`, spanOf(`${path}.warmup_epochs`)));
    }
  },
};
