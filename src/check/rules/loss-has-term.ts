/** RK0506: the loss needs at least one term. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const lossHasTerm: ExperimentRule<'RK0506'> = {
  code: 'RK0506',
  checkExperiment({ experiment, spanOf }, report) {
    const { instance, relation, supervised } = experiment.loss;
    if (instance || relation || supervised) return;
    report(diagnostic(this.code, 'the loss has no term', spanOf('loss'),
      { notes: ['add `instance moco { }`, `relation KIND { }` or `supervised { }`'] }));
  },
};
