/** `rekdc plan`: the cells of a grid, each with its run id, state and difference from the base. */
import * as path from 'node:path';
import type { CompiledGrid, GridCell } from '../compiler.ts';
import { cellDirectory, cellState, RUNS_ROOT, differences, valueLabel, type CellState, type Difference } from './cells.ts';
import { pretrainGroups } from './schedule.ts';

export interface PlannedCell {
  cell: GridCell;
  dir: string;
  state: CellState;
  /** The pid running it, when `state` is `running`. */
  pid?: number;
  differences: Difference[];
  /** The cells sharing this cell's offline teacher pretrain stage (itself included), when it has one. */
  sharesPretrain?: string[];
}

export interface GridPlan {
  grid: CompiledGrid;
  cells: PlannedCell[];
  runsRoot: string;
}

export function planGrid(grid: CompiledGrid, runsRoot = RUNS_ROOT): GridPlan {
  const groups = pretrainGroups(grid.cells);
  const cells = grid.cells.map((cell): PlannedCell => {
    const dir = cellDirectory(cell.experiment, runsRoot);
    const group = groups.get(cell.name);
    return {
      cell, dir, ...cellState(dir),
      differences: grid.baseExperiment ? differences(grid.baseExperiment, cell.experiment) : [],
      ...(group ? { sharesPretrain: group.map((c) => c.name) } : {}),
    };
  });
  return { grid, cells, runsRoot };
}

const describe = (d: Difference): string => `${d.path} ${valueLabel(d.base)} -> ${valueLabel(d.cell)}`;

function stateText(cell: PlannedCell): string {
  return cell.state === 'running' ? `running (pid ${cell.pid})` : cell.state;
}

export function renderPlan(plan: GridPlan): string {
  const { grid, cells } = plan;
  const count = (state: CellState) => cells.filter((c) => c.state === state).length;
  const lines = [
    `grid ${grid.name} of ${grid.base}: ${cells.length} cells, ${count('complete')} complete, ${count('interrupted')} interrupted, ` +
      `${count('running')} running, ${count('new')} new`,
  ];
  if (grid.dropped.length) lines.push(`where dropped ${grid.dropped.length} of ${grid.dropped.length + cells.length} cells (${grid.dropped.map((i) => `${grid.name}_${i}`).join(', ')})`);
  const shared = new Set(cells.flatMap((c) => (c.sharesPretrain && c.sharesPretrain.length > 1 ? [c.sharesPretrain.join(', ')] : [])));
  for (const members of shared) {
    lines.push(`one teacher pretrain stage shared by ${members} (trained once, cached in ${path.join(plan.runsRoot, 'teachers')})`);
  }
  lines.push('');
  const nameWidth = Math.max(4, ...cells.map((c) => c.cell.name.length));
  lines.push(`${'cell'.padEnd(nameWidth)}  ${'run id'.padEnd(12)}  ${'state'.padEnd(11)}  differences from ${grid.base}`);
  for (const c of cells) {
    const id = path.basename(c.dir).slice(c.cell.name.length + 1);
    const diff = c.differences.length ? c.differences.map(describe).join(', ') : 'none';
    lines.push(`${c.cell.name.padEnd(nameWidth)}  ${id.padEnd(12)}  ${stateText(c).padEnd(11)}  ${diff}`);
  }
  return lines.join('\n');
}
