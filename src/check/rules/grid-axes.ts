/** RK0802: a grid axis takes a non-empty list; RK0803 zip axes have equal lengths; RK0805 no axis twice. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { axisNodes } from '../../tree/grid.ts';
import type { FileRule } from '../rule.ts';

export const gridAxes: FileRule = {
  code: 'RK0802',
  title: 'grid axes are non-empty lists (zip axes of equal length, each path once)',
  checkFile(file, report) {
    for (const grid of file.grids) {
      const seen = new Set<string>();
      for (const axis of axisNodes(grid)) {
        if (axis.value.type !== 'list' || axis.value.items.length === 0) {
          report(diagnostic('error', 'RK0802', `grid axis '${axis.path.text}' needs a non-empty list \`[v1, v2, ...]\``, axis.value.span));
        }
        if (seen.has(axis.path.text)) report(diagnostic('error', 'RK0805', `grid axis '${axis.path.text}' is given twice`, axis.path.span));
        seen.add(axis.path.text);
      }
      for (const item of grid.items) {
        if (item.type !== 'zip' || item.axes.length === 0) continue;
        const lengths = item.axes.map((a) => (a.value.type === 'list' ? a.value.items.length : 0));
        if (lengths.every((n) => n === lengths[0])) continue;
        report(diagnostic('error', 'RK0803', `zip axes must have the same length, found ${lengths.join(', ')}`, item.span));
      }
    }
  },
};
