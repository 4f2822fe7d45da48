/** RK0503: an offline teacher is loaded, so it needs a checkpoint or a pretrain stage. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const offlineTeacherSource: ExperimentRule<'RK0503'> = {
  code: 'RK0503',
  checkExperiment({ experiment, spanOf }, report) {
    const teacher = experiment.teacher;
    if (teacher?.mode !== 'offline') return;
    if (teacher.checkpoint === null && teacher.pretrain === null) {
      report(diagnostic(this.code, 'an offline teacher needs `checkpoint = "path"` or a `pretrain { }` stage',
        spanOf('teacher.mode')));
    } else if (teacher.checkpoint !== null && teacher.pretrain !== null) {
      report(diagnostic(this.code, 'an offline teacher takes either a checkpoint or a pretrain stage, not both',
        spanOf('teacher.pretrain')));
    }
  },
};
