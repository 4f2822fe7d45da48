/** Grid expansion: the cartesian product of the axes, a zip counting as one axis. */
import type { GridAxisNode, GridNode, PathNode, ValueNode } from '../ast/nodes.ts';

export interface Assignment { path: PathNode; value: ValueNode }

/** The axes of a grid in written order, a zip's axes included (`where` filters are no axes). */
export const axisNodes = (grid: GridNode): GridAxisNode[] =>
  grid.items.flatMap((item) => (item.type === 'zip' ? item.axes : item.type === 'axis' ? [item] : []));

/** The assignments of every cell, first axis varying slowest. Malformed axes are skipped (RK0802). */
export function gridAssignments(grid: GridNode): Assignment[][] {
  let cells: Assignment[][] = [[]];
  for (const item of grid.items) {
    if (item.type === 'where') continue;
    const axes = item.type === 'zip' ? item.axes : [item];
    const lists = axes.map((axis) => (axis.value.type === 'list' ? axis.value.items : []));
    const length = Math.min(...lists.map((l) => l.length));
    if (!Number.isFinite(length) || length === 0) continue;
    const positions = Array.from({ length }, (_, i) => axes.map((axis, a) => ({ path: axis.path, value: lists[a][i] })));
    cells = cells.flatMap((cell) => positions.map((position) => [...cell, ...position]));
  }
  return cells;
}
