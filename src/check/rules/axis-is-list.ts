/** RK0802: a grid axis takes a non-empty list of values (in a grid or an axes set). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { itemAxes } from '../../tree/grid.ts';
import type { FileRule } from '../rule.ts';

export const axisIsList: FileRule<'RK0802'> = {
  code: 'RK0802',
  checkFile(file, report) {
    for (const { items } of [...file.grids, ...file.axesSets]) {
      for (const axis of itemAxes(items)) {
        if (axis.value.type === 'list' && axis.value.items.length > 0) continue;
        report(diagnostic(this.code, `grid axis '${axis.path.text}' needs a non-empty list \`[v1, v2, ...]\``, axis.value.span));
      }
    }
  },
};
