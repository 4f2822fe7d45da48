/** RK0508 (warning): a teacher that no loss term reads costs compute and changes nothing. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const unusedTeacher: ExperimentRule<'RK0508'> = {
  code: 'RK0508',
  checkExperiment({ experiment, spanOf }, report) {
    if (!experiment.teacher || experiment.loss.relation) return;
    report(diagnostic(this.code, 'the teacher is unused: no relation term reads it, so a run neither builds nor trains it', spanOf('teacher'),
      { notes: ['add `relation KIND { }` to the loss, or `teacher = none`'] }));
  },
};
