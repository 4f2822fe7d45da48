/** RK0402: an attribute without default is not given (`schedule cosine { }` without epochs). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { TreeRule } from '../rule.ts';

export const missingAttribute: TreeRule<'RK0402'> = {
  code: 'RK0402',
  completeness: true,
  checkBlock({ block, spec, label }, report) {
    if (!spec) return;
    for (const [name, attribute] of Object.entries(spec.attributes)) {
      if (attribute.default !== 'required' || block.attributes.has(name)) continue;
      report(diagnostic(this.code, `${label} needs '${name}' (${attribute.doc})`, block.kind?.span ?? block.name.span));
    }
  },
};
