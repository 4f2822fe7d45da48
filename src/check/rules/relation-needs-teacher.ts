/** RK0502: every relation term learns from a teacher. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const relationNeedsTeacher: ExperimentRule<'RK0502'> = {
  code: 'RK0502',
  checkExperiment({ experiment, spanOf }, report) {
    const relation = experiment.loss.relation;
    if (!relation || experiment.teacher) return;
    report(diagnostic(this.code, `relation ${relation.kind} needs a teacher, but the experiment has none`,
      spanOf('loss.relation'), { notes: ['add `teacher KIND { ... }` or remove the term with `relation = none`'] }));
  },
};
