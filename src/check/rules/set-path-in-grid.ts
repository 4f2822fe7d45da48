/**
 * RK0811: a path is varied in one place of a grid: not by the grid and a set it uses, nor by two
 * sets it uses (or one set used twice). Both would be axes of one path, the later one silently
 * winning in every cell. Repeats within the grid or within a set are RK0805's (axis-given-once).
 */
import type { Span } from '../../diagnostics/span.ts';
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { axesSetsOf, itemAxes } from '../../tree/grid.ts';
import type { ProgramRule } from '../rule.ts';

export const setPathInGrid: ProgramRule<'RK0811'> = {
  code: 'RK0811',
  checkProgram(files, report) {
    const sets = axesSetsOf(files);
    for (const grid of files.flatMap((file) => file.grids)) {
      /** Who varies each path first: the grid itself or `axes set 'name'`, and where. */
      const owners = new Map<string, { owner: string; span: Span }>();
      for (const axis of itemAxes(grid.items)) if (!owners.has(axis.path.text)) owners.set(axis.path.text, { owner: `grid '${grid.name.text}'`, span: axis.path.span });
      for (const item of grid.items) {
        const set = item.type === 'use' ? sets.get(item.name.text) : undefined;
        if (item.type !== 'use' || !set) continue;
        for (const axis of itemAxes(set.items)) {
          const first = owners.get(axis.path.text);
          if (!first) {
            owners.set(axis.path.text, { owner: `axes set '${set.name.text}'`, span: axis.path.span });
            continue;
          }
          report(diagnostic(this.code, `axes set '${set.name.text}' varies '${axis.path.text}', which ${first.owner} varies too`, item.name.span, {
            notes: [`${first.owner} varies it at ${first.span.file}:${first.span.line}:${first.span.column}; a path is varied in one place of a grid`],
          }));
        }
      }
    }
  },
};
