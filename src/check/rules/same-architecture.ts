/** RK0505 (note): ReKD's teacher is meant to be heterogeneous; the same architecture is allowed. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const sameArchitecture: ExperimentRule = {
  code: 'RK0505',
  title: 'teacher and student share an architecture',
  checkExperiment({ experiment, spanOf }, report) {
    const { teacher, student } = experiment;
    if (!teacher || teacher.kind !== student.kind || teacher.width !== student.width) return;
    report(diagnostic('note', this.code, `teacher and student are both ${student.kind} at width ${student.width}: the teacher is not heterogeneous`,
      spanOf('teacher')));
  },
};
