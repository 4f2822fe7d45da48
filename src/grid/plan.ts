/** `rekdc plan`: the cells of a grid, each with its run id, seed, method, state and difference from the base. */
import type { CompiledGrid, GridCell } from '../compiler.ts';
import { groupBy, SEED_AXIS } from './aggregate.ts';
import { runDirectory, runProgress, type RunProgress } from '../runs/directory.ts';
import { RUNS_FOLDER, teachersFolder } from '../runs/folders.ts';
import { finishedTwin, runIdOf, runsById, twinsOf } from '../runs/reuse.ts';
import { differenceJson, differences, valueLabel, type Difference } from './cells.ts';
import { methodLabel } from './methods.ts';
import { counted } from '../diagnostics/render.ts';
import { pretrainGroups } from './schedule.ts';

export interface PlannedCell {
  cell: GridCell;
  dir: string;
  state: RunProgress;
  /** The pid running it, when `state` is `running`. */
  pid?: number;
  method: string;
  /** How it differs from the base, its seed excepted (a column of its own). */
  differences: Difference[];
  /** The cells sharing this cell's offline teacher pretrain stage (itself included), when it has one. */
  sharesPretrain?: string[];
  /** For a new cell: the finished run of the same settings under another name whose results it will copy (runs/reuse.ts). */
  copies?: string;
  /** For a new cell without one to copy: the unfinished runs of its settings under other names (finish one and it copies it). */
  unfinishedTwins?: string[];
}

export interface GridPlan {
  grid: CompiledGrid;
  cells: PlannedCell[];
  runsRoot: string;
}

export function planGrid(grid: CompiledGrid, runsRoot = RUNS_FOLDER): GridPlan {
  const groups = pretrainGroups(grid.cells);
  const runs = runsById(runsRoot);
  const cells = grid.cells.map((cell): PlannedCell => {
    const dir = runDirectory(cell.experiment, runsRoot);
    const group = groups.get(cell.name);
    const progress = runProgress(dir);
    const twin = progress.state === 'new' ? finishedTwin(dir, runs) : undefined;
    const unfinished = progress.state === 'new' && twin === undefined ? twinsOf(dir, runs) : [];
    return {
      cell, dir, ...progress, method: methodLabel(cell.experiment),
      differences: grid.baseExperiment ? differences(grid.baseExperiment, cell.experiment, cell.provenance).filter((d) => d.path !== SEED_AXIS) : [],
      ...(group ? { sharesPretrain: group.map((c) => c.name) } : {}),
      ...(twin ? { copies: twin } : {}),
      ...(unfinished.length ? { unfinishedTwins: unfinished } : {}),
    };
  });
  return { grid, cells, runsRoot };
}

/** `path base -> cell`; a value inside a block one side lacks is `none`, as that block is. */
export const describeDifference = (d: Difference): string => `${d.path} ${valueLabel(d.base ?? null)} -> ${valueLabel(d.cell ?? null)}`;

function stateText(cell: PlannedCell): string {
  return cell.state === 'running' ? `running (pid ${cell.pid})` : cell.copies ? 'new: copy' : cell.state;
}

export function renderPlan(plan: GridPlan): string {
  const { grid, cells } = plan;
  const count = (state: RunProgress) => cells.filter((c) => c.state === state).length;
  const copies = cells.filter((c) => c.copies);
  const lines = [
    `grid ${grid.name} of ${grid.base}: ${counted(cells.length, 'cell')}, ${count('complete')} complete, ` +
      `${count('failed') ? `${count('failed')} failed, ` : ''}${count('interrupted')} interrupted, ` +
      `${count('running')} running, ${count('new')} new${copies.length ? ` (${copies.length} of them copying a finished run)` : ''}`,
  ];
  const seeds = [...new Set(cells.map((c) => c.cell.experiment.seed))];
  if (seeds.length > 1) {
    const settings = new Set(cells.map((c) => JSON.stringify(grid.axes.filter((a) => a !== SEED_AXIS).map((a) => c.cell.values[a] ?? null))));
    lines.push(`seeds ${seeds.join(', ')} across ${settings.size} settings (the results aggregate each setting over its seeds)`);
    const stages = new Set(cells.flatMap((c) => c.sharesPretrain?.join(' ') ?? [])).size;
    if (stages > 1) {
      lines.push(`${stages} teacher pretrain stages: a stage's recipe includes its seed (the experiment's unless teacher.pretrain.seed is set), so each seed pretrains its own teacher`);
    }
  }
  if (grid.dropped.length) lines.push(`where dropped ${grid.dropped.length} of ${grid.dropped.length + cells.length} cells (${grid.dropped.map((i) => `${grid.name}_${i}`).join(', ')})`);
  const shared = new Set(cells.flatMap((c) => (c.sharesPretrain && c.sharesPretrain.length > 1 ? [c.sharesPretrain.join(', ')] : [])));
  for (const members of shared) {
    lines.push(`one teacher pretrain stage shared by ${members} (trained once, cached in ${teachersFolder(plan.runsRoot)})`);
  }
  if (copies.length) {
    lines.push(`${copies.map((c) => `${c.cell.name} copies ${c.copies}`).join(', ')}: the same settings, finished under another name (nothing will be trained)`);
  }
  for (const { cell, unfinishedTwins } of cells) {
    if (!unfinishedTwins) continue;
    const twins = unfinishedTwins.map((dir) => `${dir} (${runProgress(dir).state})`).join(', ');
    lines.push(`${cell.name} has the settings of ${twins}: once that run finishes, ${cell.name} copies it instead of training`);
  }
  const byId = groupBy(cells, (c) => runIdOf(c.dir));
  for (const same of byId.values()) {
    if (same.length > 1) lines.push(`${same.map((c) => c.cell.name).join(', ')} have the same settings (one run id): one trains, the others copy it`);
  }
  // Differences every cell has are said once, above the table, so that a row shows what varies.
  const texts = cells.map((c) => c.differences.map(describeDifference));
  const common = cells.length > 1 ? texts[0].filter((text) => texts.every((row) => row.includes(text))) : [];
  if (common.length) lines.push(`every cell differs from ${grid.base} in ${common.join(', ')}`);
  lines.push('');
  const width = (title: string, texts: string[]) => Math.max(title.length, ...texts.map((t) => t.length));
  const nameWidth = width('cell', cells.map((c) => c.cell.name));
  const seedWidth = width('seed', cells.map((c) => String(c.cell.experiment.seed)));
  const methodWidth = width('method', cells.map((c) => c.method));
  lines.push(`${'cell'.padEnd(nameWidth)}  ${'run id'.padEnd(12)}  ${'seed'.padEnd(seedWidth)}  ${'method'.padEnd(methodWidth)}  ${'state'.padEnd(11)}  differences from ${grid.base}`);
  cells.forEach((c, i) => {
    const id = runIdOf(c.dir);
    const own = texts[i].filter((text) => !common.includes(text));
    const diff = own.length ? own.join(', ') : common.length ? 'only those of every cell' : `the same as ${grid.base}`;
    lines.push(`${c.cell.name.padEnd(nameWidth)}  ${id.padEnd(12)}  ${String(c.cell.experiment.seed).padEnd(seedWidth)}  ${c.method.padEnd(methodWidth)}  ${stateText(c).padEnd(11)}  ${diff}`);
  });
  return lines.join('\n');
}

/** The plan as data (`rekdc plan --format json`; docs/cli.md describes it). */
export function planJson(plan: GridPlan) {
  const { grid, cells } = plan;
  const count = (state: RunProgress) => cells.filter((c) => c.state === state).length;
  return {
    grid: grid.name,
    base: grid.base,
    axes: grid.axes,
    counts: { cells: cells.length, complete: count('complete'), failed: count('failed'), interrupted: count('interrupted'), running: count('running'), new: count('new') },
    dropped: grid.dropped.map((i) => `${grid.name}_${i}`),
    cells: cells.map((c) => ({
      name: c.cell.name,
      index: c.cell.index,
      run_id: runIdOf(c.dir),
      dir: c.dir,
      seed: c.cell.experiment.seed,
      method: c.method,
      state: c.state,
      ...(c.pid === undefined ? {} : { pid: c.pid }),
      values: c.cell.values,
      differences: c.differences.map((d) => ({ path: d.path, base: differenceJson(d.base), cell: differenceJson(d.cell) })),
      ...(c.sharesPretrain ? { shares_pretrain: c.sharesPretrain } : {}),
      ...(c.copies ? { copies: c.copies } : {}),
      ...(c.unfinishedTwins ? { unfinished_twins: c.unfinishedTwins } : {}),
    })),
  };
}
