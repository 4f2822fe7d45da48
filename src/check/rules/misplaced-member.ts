/** RK0205: a block written as an attribute (`loss = 1`) or an attribute written as a block (`seed { }`). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';

export const misplacedMember: TreeRule<'RK0205'> = {
  code: 'RK0205',
  checkBlock({ block, spec }, report) {
    if (!spec) return;
    for (const attribute of block.attributes.values()) {
      const slot = spec.slots[attribute.name.text];
      if (!Object.hasOwn(spec.slots, attribute.name.text)) continue;
      const form = slot.form === 'kinded' ? `${attribute.name.text} KIND { ... }` : `${attribute.name.text} { ... }`;
      report(diagnostic(this.code, `'${attribute.name.text}' is a block, not an attribute`, attribute.span,
        { notes: [`write \`${form}\`, or \`${attribute.name.text} = none\` to remove it`] }));
    }
    for (const [key, entry] of block.blocks) {
      if (!Object.hasOwn(spec.attributes, key)) continue;
      report(diagnostic(this.code, `'${key}' is an attribute, not a block`, entry.span, { notes: [`write \`${key} = value\``] }));
    }
  },
};
