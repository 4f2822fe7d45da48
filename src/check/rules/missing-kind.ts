/** RK0203: a block that needs a kind has none (`data { }`). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';

export const missingKind: TreeRule<'RK0203'> = {
  code: 'RK0203',
  checkBlock({ block, slot }, report) {
    if (slot?.form !== 'kinded' || block.kind !== null) return;
    report(diagnostic(this.code, `'${block.name.text}' needs a kind`, block.name.span,
      { notes: [`write \`${block.name.text} KIND { ... }\` with KIND one of: ${Object.keys(slot.kinds).join(', ')}`] }));
  },
};
