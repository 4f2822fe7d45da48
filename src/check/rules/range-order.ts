/** RK0303: range with low > high. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';
import { valueProblems } from './value-problems.ts';

export const rangeOrder: TreeRule = {
  code: 'RK0303',
  title: 'range with low > high',
  checkBlock(visit, report) {
    for (const problem of valueProblems(visit, 'order')) {
      report(diagnostic('error', this.code, `${visit.label} ${problem.name}: ${problem.message}`, problem.span, { suggestion: problem.suggestion }));
    }
  },
};
