/**
 * What a cell is in a paper's table, read from its resolved experiment: its method (from the loss
 * terms it trains with) and its student.
 */
import type { ResolvedExperiment } from '../compiler.ts';

/** The method the paper improves on: paired differences and gates compare against it. */
export const BASELINE_METHOD = 'moco';
/** The method the verdict is about. */
export const CLAIMED_METHOD = 'rekd';

/**
 * The method of a training run from its active loss terms (weight > 0):
 * - none: `zero loss` (only BatchNorm statistics move: the untrained-network floor of paper.rekd);
 * - supervised alone: `supervised`; an instance term alone: its kind (`moco`);
 * - a relation term alone: its kind (`seed`, `compress`), and `rekd` for the rekd relation with
 *   an instance term (ReKD combines both, METHOD.md);
 * - anything else: the active terms joined by ` + `, a relation term written `<kind> relation`
 *   (`rekd relation` alone, `moco + seed relation`, `supervised + moco`).
 */
export function methodLabel(experiment: Pick<ResolvedExperiment, 'loss'>): string {
  const { supervised, instance, relation } = experiment.loss;
  const active = <T extends { weight: number }>(term: T | null): T | null => (term && term.weight > 0 ? term : null);
  const terms = { supervised: active(supervised), instance: active(instance), relation: active(relation) };
  if (!terms.supervised && !terms.instance && !terms.relation) return 'zero loss';
  if (terms.supervised && !terms.instance && !terms.relation) return 'supervised';
  if (!terms.supervised && terms.instance && !terms.relation) return terms.instance.kind;
  if (!terms.supervised && terms.relation) {
    if (terms.relation.kind === 'rekd' && terms.instance) return 'rekd';
    if (terms.relation.kind !== 'rekd' && !terms.instance) return terms.relation.kind;
  }
  return [
    ...(terms.supervised ? ['supervised'] : []),
    ...(terms.instance ? [terms.instance.kind] : []),
    ...(terms.relation ? [`${terms.relation.kind} relation`] : []),
  ].join(' + ');
}

/** The student as a table names it: `alexnet w0.5`, `mobilenetv3 small w0.5`. */
export function studentLabel(experiment: Pick<ResolvedExperiment, 'student'>): string {
  const student = experiment.student;
  const variant = 'variant' in student ? ` ${student.variant}` : '';
  return `${student.kind}${variant} w${student.width}`;
}
