/**
 * RK0805: a grid varies each path on one axis only (zip axes included), and so does an axes set.
 * A path both a grid and a set it uses vary is RK0811's (set-path-in-grid).
 */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { itemAxes } from '../../tree/grid.ts';
import type { FileRule } from '../rule.ts';

export const axisGivenOnce: FileRule<'RK0805'> = {
  code: 'RK0805',
  checkFile(file, report) {
    for (const { items } of [...file.grids, ...file.axesSets]) {
      const seen = new Set<string>();
      for (const axis of itemAxes(items)) {
        if (seen.has(axis.path.text)) report(diagnostic(this.code, `grid axis '${axis.path.text}' is given twice`, axis.path.span));
        seen.add(axis.path.text);
      }
    }
  },
};
