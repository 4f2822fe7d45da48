/** RK0505 (note): ReKD's teacher is meant to be heterogeneous; the same architecture is allowed. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const sameArchitecture: ExperimentRule<'RK0505'> = {
  code: 'RK0505',
  checkExperiment({ experiment, spanOf }, report) {
    const { teacher, student } = experiment;
    if (!teacher || teacher.kind !== student.kind) return;
    const widths = teacher.width === student.width ? `at width ${student.width}` : `(widths ${teacher.width} and ${student.width})`;
    report(diagnostic(this.code, `teacher and student are both ${student.kind} ${widths}: the teacher is not heterogeneous`,
      spanOf('teacher')));
  },
};
