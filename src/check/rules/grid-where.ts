/**
 * RK0806: every comparison of a grid's `where` names a path of the experiment (else RK0801 with
 * did-you-mean) and a literal that path can hold; `<`, `<=`, `>`, `>=` compare numbers only.
 */
import type { ConditionNode } from '../../ast/nodes.ts';
import { valueText } from '../../ast/json.ts';
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { pathTarget } from '../../tree/catalog-path.ts';
import { comparisons } from '../../tree/grid.ts';
import { convertValue, describeType } from '../../schema/convert.ts';
import type { FileRule, Report } from '../rule.ts';

const ORDERED = new Set(['int', 'number', 'count_or_all']);

function checkComparison(comparison: Extract<ConditionNode, { type: 'compare' }>, report: Report): void {
  const { path, operator, value } = comparison;
  const target = pathTarget(path);
  if (target.type === 'unknown') {
    const suggestion = didYouMean(target.segment.text, target.members);
    const notes = !suggestion && target.members.length ? [`${target.where} has: ${target.members.join(', ')}`] : [];
    report(diagnostic('error', 'RK0801', `unknown path segment '${target.segment.text}' in ${target.where}`, target.segment.span, { suggestion, notes }));
    return;
  }
  const mismatch = (expected: string, suggestion?: string) => report(diagnostic('error', 'RK0806',
    `'${path.text} ${operator} ${valueText(value)}' compares ${path.text} with a value it cannot hold: expected ${expected}`, value.span, { suggestion }));
  const ordered = operator !== '==' && operator !== '!=';
  if (ordered) {
    if (target.type !== 'attribute' || !ORDERED.has(target.value.t)) mismatch(`'==' or '!=' (only numbers are ordered)`);
    else if (value.type !== 'number') mismatch('a number');
    return;
  }
  if (value.type === 'none') return;
  if (target.type === 'block') {
    const kinds = target.slot.form === 'kinded' ? Object.keys(target.slot.kinds) : [];
    const word = value.type === 'identifier' ? value.value : null;
    if (word === null || !kinds.includes(word)) mismatch(kinds.length ? `a kind (${kinds.join(', ')}) or none` : 'none', word ? didYouMean(word, kinds) : undefined);
    return;
  }
  const converted = convertValue(value, target.value, didYouMean);
  // Bounds do not matter here: `temperature < 0.01` is a fair question even if no cell has it.
  if (!converted.ok && converted.problem.category === 'type') mismatch(describeType(target.value), converted.problem.suggestion);
}

export const gridWhere: FileRule = {
  code: 'RK0806',
  title: 'where conditions compare existing paths with values they can hold',
  checkFile(file, report) {
    for (const grid of file.grids) {
      for (const item of grid.items) if (item.type === 'where') for (const c of comparisons(item.condition)) checkComparison(c, report);
    }
  },
};
