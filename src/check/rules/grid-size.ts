/** RK0809: a grid has at most MAX_GRID_CELLS cells (its axes sets' axes included), counted before any is enumerated. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { axesSetsOf, gridCellCount, MAX_GRID_CELLS } from '../../tree/grid.ts';
import type { ProgramRule } from '../rule.ts';

export const gridSize: ProgramRule<'RK0809'> = {
  code: 'RK0809',
  checkProgram(files, report) {
    const sets = axesSetsOf(files);
    for (const grid of files.flatMap((file) => file.grids)) {
      const cells = gridCellCount(grid, sets);
      if (cells <= MAX_GRID_CELLS) continue;
      report(diagnostic('RK0809', `grid '${grid.name.text}' has ${Number.isFinite(cells) ? cells : 'over 1e308'} cells, more than the ${MAX_GRID_CELLS} a grid may have`, grid.name.span,
        { notes: ['each cell is a training run: split the grid, shorten its axes, or zip axes that vary together'] }));
    }
  },
};
