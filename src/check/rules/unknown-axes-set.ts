/** RK0810: `use name` names an axes set declared in the file or a file it imports. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { axesSetsOf } from '../../tree/grid.ts';
import type { ProgramRule } from '../rule.ts';

export const unknownAxesSet: ProgramRule<'RK0810'> = {
  code: 'RK0810',
  checkProgram(files, report) {
    const sets = axesSetsOf(files);
    for (const grid of files.flatMap((file) => file.grids)) {
      for (const item of grid.items) {
        if (item.type !== 'use' || sets.has(item.name.text)) continue;
        const suggestion = didYouMean(item.name.text, sets.keys());
        const notes = sets.size ? [] : ['declare one with `axes name { ... }` here or in an imported file'];
        report(diagnostic(this.code, `axes set '${item.name.text}' is not declared here or in an imported file`, item.name.span, { suggestion, notes }));
      }
    }
  },
};
