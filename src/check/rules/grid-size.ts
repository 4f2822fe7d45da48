/** RK0809: a grid has at most MAX_GRID_CELLS cells, counted before any is enumerated. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { gridCellCount, MAX_GRID_CELLS } from '../../tree/grid.ts';
import type { FileRule } from '../rule.ts';

export const gridSize: FileRule<'RK0809'> = {
  code: 'RK0809',
  checkFile(file, report) {
    for (const grid of file.grids) {
      const cells = gridCellCount(grid);
      if (cells <= MAX_GRID_CELLS) continue;
      report(diagnostic('RK0809', `grid '${grid.name.text}' has ${Number.isFinite(cells) ? cells : 'over 1e308'} cells, more than the ${MAX_GRID_CELLS} a grid may have`, grid.name.span,
        { notes: ['each cell is a training run: split the grid, shorten its axes, or zip axes that vary together'] }));
    }
  },
};
