/** RK0202: a kind the slot does not offer (`student alexnett`), with did-you-mean. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import type { TreeRule } from '../rule.ts';

export const unknownKind: TreeRule<'RK0202'> = {
  code: 'RK0202',
  checkBlock({ block, slot }, report) {
    if (slot?.form !== 'kinded' || block.kind === null || Object.hasOwn(slot.kinds, block.kind.text)) return;
    const kinds = Object.keys(slot.kinds);
    // `teacher = nnoe`: an optional block written as an assignment may also have meant none.
    const suggestion = didYouMean(block.kind.text, block.assigned && slot.absent === 'null' ? [...kinds, 'none'] : kinds);
    report(diagnostic(this.code, `unknown ${block.name.text} kind '${block.kind.text}'`, block.kind.span,
      { suggestion, notes: suggestion ? [] : [`${block.name.text} kinds: ${kinds.join(', ')}`] }));
  },
};
