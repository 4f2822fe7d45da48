/** RK0805: a grid varies each path on one axis only (zip axes included). */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { axisNodes } from '../../tree/grid.ts';
import type { FileRule } from '../rule.ts';

export const axisGivenOnce: FileRule<'RK0805'> = {
  code: 'RK0805',
  checkFile(file, report) {
    for (const grid of file.grids) {
      const seen = new Set<string>();
      for (const axis of axisNodes(grid)) {
        if (seen.has(axis.path.text)) report(diagnostic(this.code, `grid axis '${axis.path.text}' is given twice`, axis.path.span));
        seen.add(axis.path.text);
      }
    }
  },
};
