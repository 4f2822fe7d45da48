/**
 * RK0812: an axes set declared in a file with grids is used by some grid (of the file or of one
 * importing it). A file of sets alone is a library for other files and is not warned about.
 */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ProgramRule } from '../rule.ts';

export const unusedAxesSet: ProgramRule<'RK0812'> = {
  code: 'RK0812',
  checkProgram(files, report) {
    const used = new Set(files.flatMap((file) => file.grids.flatMap((grid) => grid.items.flatMap((item) => (item.type === 'use' ? [item.name.text] : [])))));
    for (const file of files) {
      if (file.grids.length === 0) continue;
      for (const set of file.axesSets) {
        if (!used.has(set.name.text)) report(diagnostic(this.code, `axes set '${set.name.text}' is not used by any grid`, set.name.span));
      }
    }
  },
};
