/** Runs the tree rules over every block of an experiment's tree, binding blocks to specs. */
import { EXPERIMENT } from '../schema/catalog.ts';
import { bodySpec, slotOf } from '../tree/spec.ts';
import { isRemoval, type TreeBlock } from '../tree/tree.ts';
import type { Report } from '../diagnostics/diagnostic.ts';
import type { BlockVisit, TreeRule } from './rule.ts';

export function walkTree(root: TreeBlock, rules: readonly TreeRule[], report: Report): void {
  const visit = (v: BlockVisit): void => {
    for (const rule of rules) rule.checkBlock(v, report);
    for (const [key, entry] of v.block.blocks) {
      if (isRemoval(entry)) continue;
      const slot = slotOf(v.spec, key);
      const spec = slot ? bodySpec(slot, entry.kind?.text ?? null) : null;
      // `augment weak { }` is keyed augment_weak: its label puts the variant word back.
      const variantWord = key !== entry.name.text ? key.slice(entry.name.text.length + 1) : null;
      const label = [entry.name.text, entry.kind?.text ?? variantWord].filter(Boolean).join(' ');
      visit({ block: entry, spec, slot, label });
    }
  };
  visit({ block: root, spec: EXPERIMENT, slot: null, label: `experiment '${root.name.text}'` });
}
