/**
 * RK0806: every comparison of a grid's `where` compares its path with a literal that path can
 * hold; `<`, `<=`, `>`, `>=` compare numbers only. Unknown paths are RK0801's (where-paths).
 */
import type { ConditionNode, FileNode } from '../../ast/nodes.ts';
import { valueText } from '../../ast/json.ts';
import { diagnostic, type Report } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { pathTarget } from '../../tree/catalog-path.ts';
import { comparisons } from '../../tree/grid.ts';
import { convertValue, describeType } from '../../schema/convert.ts';
import type { FileRule } from '../rule.ts';

type Comparison = Extract<ConditionNode, { type: 'compare' }>;

/** Every comparison of the `where` conditions of a file's grids. */
export function* whereComparisons(file: FileNode): Generator<Comparison> {
  for (const grid of file.grids) for (const item of grid.items) if (item.type === 'where') yield* comparisons(item.condition);
}

const ORDERED = new Set(['int', 'number', 'count_or_all']);

function checkComparison({ path, operator, value }: Comparison, report: Report<'RK0806'>): void {
  const target = pathTarget(path);
  if (target.type === 'unknown') return;
  const mismatch = (expected: string, suggestion?: string) => report(diagnostic('RK0806',
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

export const gridWhere: FileRule<'RK0806'> = {
  code: 'RK0806',
  checkFile(file, report) {
    for (const comparison of whereComparisons(file)) checkComparison(comparison, report);
  },
};
