/** RK0301: value of the wrong type. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';
import { valueProblems } from './value-problems.ts';

export const valueType: TreeRule = {
  code: 'RK0301',
  title: 'value of the wrong type',
  checkBlock(visit, report) {
    for (const problem of valueProblems(visit, 'type')) {
      report(diagnostic('error', this.code, `${visit.label} ${problem.name}: ${problem.message}`, problem.span, { suggestion: problem.suggestion }));
    }
  },
};
