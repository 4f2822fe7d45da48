/** RK0401: a required block (data, student, loss, schedule) is missing or removed. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { isRemoval } from '../../tree/tree.ts';
import type { TreeRule } from '../rule.ts';

export const missingBlock: TreeRule<'RK0401'> = {
  code: 'RK0401',
  completeness: true,
  checkBlock({ block, spec, label }, report) {
    if (!spec) return;
    for (const [key, slot] of Object.entries(spec.slots)) {
      if (slot.absent !== 'required') continue;
      const entry = block.blocks.get(key);
      if (entry && !isRemoval(entry)) continue;
      const form = slot.form === 'kinded' ? `${key} KIND { ... }` : `${key} { ... }`;
      const kinds = slot.form === 'kinded' ? [`${key} kinds: ${Object.keys(slot.kinds).join(', ')}`] : [];
      report(diagnostic(this.code, entry ? `${label} cannot remove required block '${key}'` : `${label} has no '${key}' block`,
        entry ? entry.span : block.name.span, { notes: [`${slot.doc}: add \`${form}\``, ...kinds] }));
    }
  },
};
