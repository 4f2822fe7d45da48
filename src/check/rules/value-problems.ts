/** Shared by the value rules: every written attribute value of a block checked against its type. */
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { convertValue, type Problem } from '../../schema/convert.ts';
import type { BlockVisit } from '../rule.ts';

export function valueProblems({ block, spec }: BlockVisit, category: Problem['category']): Array<Problem & { name: string }> {
  if (!spec) return [];
  const problems: Array<Problem & { name: string }> = [];
  for (const attribute of block.attributes.values()) {
    if (!Object.hasOwn(spec.attributes, attribute.name.text)) continue;
    const converted = convertValue(attribute.value, spec.attributes[attribute.name.text].type, didYouMean);
    if (!converted.ok && converted.problem.category === category && attribute.value.type !== 'invalid') problems.push({ ...converted.problem, name: attribute.name.text });
  }
  return problems;
}
