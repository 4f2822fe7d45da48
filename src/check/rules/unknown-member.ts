/** RK0201: an attribute or block the catalog does not know in this place, with did-you-mean. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { isListBody, memberNames } from '../../tree/spec.ts';
import type { TreeRule } from '../rule.ts';

export const unknownMember: TreeRule<'RK0201'> = {
  code: 'RK0201',
  checkBlock({ block, spec, label }, report) {
    if (!spec) return;
    const names = memberNames(spec);
    const isList = isListBody(spec);
    // Names the catalog knows in the other form are RK0205's (misplaced-member).
    const unknown = [
      ...[...block.attributes.values()].map((a) => ({ name: a.name, what: 'attribute' })),
      ...[...block.blocks].filter(([key]) => !Object.hasOwn(spec.slots, key)).map(([, b]) => ({ name: b.name, what: isList ? 'augmentation' : 'block' })),
    ].filter(({ name }) => !names.includes(name.text));
    for (const { name, what } of unknown) {
      const suggestion = didYouMean(name.text, names);
      const notes = suggestion ? [] : [`${label} accepts: ${names.join(', ') || 'nothing'}`];
      report(diagnostic(this.code, `unknown ${what} '${name.text}' in ${label}`, name.span, { notes, suggestion }));
    }
  },
};
