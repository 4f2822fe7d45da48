/** RK0501: seed and compress compare teacher and student embeddings, so their sizes must match. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const embedMatch: ExperimentRule<'RK0501'> = {
  code: 'RK0501',
  checkExperiment({ experiment, spanOf }, report) {
    const relation = experiment.loss.relation;
    const teacher = experiment.teacher;
    if (!teacher || (relation?.kind !== 'seed' && relation?.kind !== 'compress')) return;
    if (teacher.embed === experiment.student.embed) return;
    report(diagnostic(this.code,
      `relation ${relation.kind} needs student embed (${experiment.student.embed}) = teacher embed (${teacher.embed})`,
      spanOf('student.embed'), { notes: [`teacher embed is set at ${where(spanOf('teacher.embed'))}`] }));
  },
};

const where = (span: { file: string; line: number; column: number }): string => `${span.file}:${span.line}:${span.column}`;
