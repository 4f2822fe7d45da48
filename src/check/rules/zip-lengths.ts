/** RK0803: the axes of a zip vary together, so their lists have one length. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { FileRule } from '../rule.ts';

export const zipLengths: FileRule<'RK0803'> = {
  code: 'RK0803',
  checkFile(file, report) {
    for (const { items } of [...file.grids, ...file.axesSets]) {
      for (const item of items) {
        if (item.type !== 'zip' || item.axes.length === 0) continue;
        const lengths = item.axes.map((a) => (a.value.type === 'list' ? a.value.items.length : 0));
        if (lengths.every((n) => n === lengths[0])) continue;
        report(diagnostic(this.code, `zip axes must have the same length, found ${lengths.join(', ')}`, item.span));
      }
    }
  },
};
