/** RK0302: value out of range or not an integer. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';
import { valueProblems } from './value-problems.ts';

export const valueRange: TreeRule = {
  code: 'RK0302',
  title: 'value out of range or not an integer',
  checkBlock(visit, report) {
    for (const problem of valueProblems(visit, 'range')) {
      report(diagnostic('error', this.code, `${visit.label} ${problem.name}: ${problem.message}`, problem.span, { suggestion: problem.suggestion }));
    }
  },
};
