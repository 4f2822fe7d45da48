/** RK0204: a kind word on a block that takes none (`loss sgd { }`). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';

export const unexpectedKind: TreeRule<'RK0204'> = {
  code: 'RK0204',
  checkBlock({ block, slot }, report) {
    if (!slot || slot.form === 'kinded' || block.kind === null) return;
    const variant = slot.form === 'list' ? slot.variant : undefined;
    const notes = slot.form === 'list' && !variant ? [`write \`${block.name.text} { ... }\` (or \`${block.name.text} weak { ... }\` for the weak view)`] : [];
    report(diagnostic(this.code, `'${block.name.text}' takes no kind, found '${block.kind.text}'`, block.kind.span, { notes }));
  },
};
