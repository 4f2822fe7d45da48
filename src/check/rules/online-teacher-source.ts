/** RK0509 (warning): an online teacher trains from scratch, so a checkpoint or pretrain stage is unused. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const onlineTeacherSource: ExperimentRule<'RK0509'> = {
  code: 'RK0509',
  checkExperiment({ experiment, spanOf }, report) {
    const teacher = experiment.teacher;
    if (teacher?.mode !== 'online' || (teacher.checkpoint === null && teacher.pretrain === null)) return;
    const what = teacher.checkpoint !== null ? 'checkpoint' : 'pretrain';
    report(diagnostic(this.code, `the ${what} is unused: an online teacher trains from its own initialisation`,
      spanOf(`teacher.${what}`), { notes: ['set `mode = offline` to load and freeze the teacher'] }));
  },
};
