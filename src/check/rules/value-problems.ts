/**
 * Shared by the three value rules (RK0301 type, RK0302 range, RK0303 order): each reports the
 * problems of one category found when a block's written values are converted to their types.
 */
import type { FixedCode } from '../../diagnostics/codes.ts';
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { convertValue, type Problem } from '../../schema/convert.ts';
import type { TreeRule } from '../rule.ts';

export function valueRule<C extends FixedCode>(code: C, category: Problem['category']): TreeRule<C> {
  return {
    code,
    checkBlock({ block, spec, label }, report) {
      if (!spec) return;
      for (const attribute of block.attributes.values()) {
        // Unknown names are RK0201's; invalid values were already reported by the parser.
        if (!Object.hasOwn(spec.attributes, attribute.name.text) || attribute.value.type === 'invalid') continue;
        const attributeSpec = spec.attributes[attribute.name.text];
        const converted = convertValue(attribute.value, attributeSpec.type, didYouMean, attributeSpec.default === null);
        if (converted.ok || converted.problem.category !== category) continue;
        const { message, span, suggestion } = converted.problem;
        report(diagnostic(code, `${label} ${attribute.name.text}: ${message}`, span, { suggestion }));
      }
    },
  };
}
