/**
 * Grid expansion: the cartesian product of the axes, a zip counting as one axis and a `use`
 * standing for the named set's axes and zips; each cell is a list of assignments to apply to the
 * base experiment's tree.
 */
import type { AxesSetNode, ConditionNode, GridAxisNode, GridNode, GridWhereNode, GridZipNode, PathNode, ValueNode } from '../ast/nodes.ts';

export interface Assignment { path: PathNode; value: ValueNode }

/** The axes sets a grid's `use` may name, by name (the first declaration of each; RK0701 reports others). */
export type AxesSets = ReadonlyMap<string, AxesSetNode>;

/** Every axes set of `files`, first declaration first. */
export function axesSetsOf(files: ReadonlyArray<{ axesSets: readonly AxesSetNode[] }>): Map<string, AxesSetNode> {
  const sets = new Map<string, AxesSetNode>();
  for (const file of files) for (const set of file.axesSets) if (!sets.has(set.name.text)) sets.set(set.name.text, set);
  return sets;
}

type ExpandedItem = GridAxisNode | GridZipNode | GridWhereNode;

/** The grid's items with each `use` replaced by its set's items; an unknown set (RK0810) gives none. */
export const gridItems = (grid: GridNode, sets: AxesSets): ExpandedItem[] =>
  grid.items.flatMap((item) => (item.type === 'use' ? sets.get(item.name.text)?.items ?? [] : [item]));

/** The sets a grid uses that are declared, in written order. */
export const usedSets = (grid: GridNode, sets: AxesSets): AxesSetNode[] =>
  grid.items.flatMap((item) => (item.type === 'use' && sets.has(item.name.text) ? [sets.get(item.name.text)!] : []));

/** The axes of items in written order, a zip's axes included (`where` filters are no axes). */
export const itemAxes = (items: ReadonlyArray<GridNode['items'][number]>): GridAxisNode[] =>
  items.flatMap((item) => (item.type === 'zip' ? item.axes : item.type === 'axis' ? [item] : []));

/** The axes of a grid in written order, its sets' axes included. */
export const axisNodes = (grid: GridNode, sets: AxesSets): GridAxisNode[] => itemAxes(gridItems(grid, sets));

/**
 * Most cells a grid may have. Each cell is a training run (the largest grid of experiments/ has
 * 25), and enumerating and checking a product of many axes takes seconds per 10,000 cells.
 */
export const MAX_GRID_CELLS = 1000;

type Dimension = GridAxisNode[];

/** The axes of an item varying together (one, or a zip's), or none for a `where`. */
const dimensionOf = (item: ExpandedItem): Dimension | null =>
  item.type === 'where' ? null : item.type === 'zip' ? item.axes : [item];

const itemsOf = (axis: GridAxisNode): ValueNode[] => (axis.value.type === 'list' ? axis.value.items : []);

/** The positions of a dimension: its shortest list's length; 0 when malformed (RK0802, RK0803). */
function positionsOf(axes: Dimension): number {
  const length = Math.min(...axes.map((axis) => itemsOf(axis).length));
  return Number.isFinite(length) ? length : 0;
}

/** How many cells the grid has, counted without enumerating them. */
export function gridCellCount(grid: GridNode, sets: AxesSets): number {
  let count = 1;
  for (const axes of gridItems(grid, sets).map(dimensionOf)) if (axes && positionsOf(axes) > 0) count *= positionsOf(axes);
  return count;
}

/** The assignments of every cell, first axis varying slowest. Malformed axes are skipped (RK0802). */
export function gridAssignments(grid: GridNode, sets: AxesSets): Assignment[][] {
  let cells: Assignment[][] = [[]];
  for (const axes of gridItems(grid, sets).map(dimensionOf)) {
    const length = axes ? positionsOf(axes) : 0;
    if (!axes || length === 0) continue;
    const positions = Array.from({ length }, (_, i) => axes.map((axis) => ({ path: axis.path, value: itemsOf(axis)[i] })));
    cells = cells.flatMap((cell) => positions.map((position) => [...cell, ...position]));
  }
  return cells;
}

/** Every comparison of a `where` condition, in written order. */
export function comparisons(condition: ConditionNode): Array<Extract<ConditionNode, { type: 'compare' }>> {
  switch (condition.type) {
    case 'compare': return [condition];
    case 'not': return comparisons(condition.operand);
    case 'and': case 'or': return condition.operands.flatMap(comparisons);
  }
}
