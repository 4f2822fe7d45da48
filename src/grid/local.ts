/**
 * Runs the cells of a grid on this machine, up to `jobs` at once, each exactly as `rekdc run`
 * runs it (same run directory, program and lock). A complete cell is skipped, an interrupted one
 * resumes from its checkpoint. A cell another process holds is waited for, never run twice; a
 * group of cells sharing an offline teacher's pretrain stage runs one at a time until one is
 * complete, so the stage is trained once and then loaded from its cache by the others.
 */
import { availableParallelism } from 'node:os';
import type { GridCell, ResolvedExperiment } from '../compiler.ts';
import type { CompiledFile } from '../runs/compiled-file.ts';
import { runDirectory } from '../runs/directory.ts';
import { RUNS_FOLDER } from '../runs/folders.ts';
import { holderLabel, RunLock } from '../runs/lock.ts';
import { runIdOf } from '../runs/reuse.ts';
import { startRun } from '../runs/start.ts';
import { RunDirectory } from '../runtime/run/directory.ts';
import { cellLabel } from './cells.ts';
import { addCellTime } from './folder.ts';
import { pretrainGroups } from './schedule.ts';

/** `copied`: a finished run of the same settings under another name was copied, nothing trained (runs/reuse.ts). */
export type Outcome = 'skipped' | 'ran' | 'copied' | 'failed' | 'interrupted' | 'done elsewhere';

export interface CellOutcome {
  cell: GridCell;
  dir: string;
  outcome: Outcome;
  /** The training program's exit code when it ran here. */
  code?: number;
}

export interface LocalOptions {
  jobs: number;
  /** runs/grids/<grid>: where wall times are recorded. */
  folder: string;
  runsRoot?: string;
  /** How often to look again at cells held by other processes (ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * A cell that leaves `threads` to the default gets its job's share of the cores, so that `jobs`
 * runs at once never oversubscribe the machine; a count the user set (`threads`, `--threads`) is
 * kept. The run id leaves threads out (the kernels give the same bits at any count), so the cell's
 * directory is the same either way.
 */
export function withThreadShare(experiment: ResolvedExperiment, jobs: number, cores = availableParallelism()): ResolvedExperiment {
  if (experiment.threads !== 0 || jobs <= 1) return experiment;
  return { ...experiment, threads: Math.max(1, Math.floor(cores / jobs)) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runGridLocally(cells: readonly GridCell[], source: CompiledFile, options: LocalOptions): Promise<CellOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dirOf = (cell: GridCell) => runDirectory(cell.experiment, options.runsRoot ?? RUNS_FOLDER);
  const groups = pretrainGroups(cells);
  /**
   * A cell sharing a pretrain stage waits while another cell of its group may be training that
   * stage; a cell of the same settings as another (one run id) while that one runs, then copies it.
   */
  const mustWait = (cell: GridCell): boolean => {
    if (cells.some((other) => other !== cell && running.has(other.name) && runIdOf(dirOf(other)) === runIdOf(dirOf(cell)))) return true;
    const group = groups.get(cell.name) ?? [];
    if (group.some((other) => new RunDirectory(dirOf(other)).finished)) return false;
    return group.some((other) => other !== cell && (running.has(other.name) || RunLock.holder(dirOf(other)) !== null));
  };
  const outcomes = new Map<string, CellOutcome>();
  const running = new Map<string, Promise<void>>();
  const announced = new Set<string>();
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  // The training children get Ctrl-C from `rekdc run`'s forwarding; here it only stops new starts.
  process.on('SIGINT', stop);

  const start = (cell: GridCell, dir: string, lock: RunLock) => {
    log(`grid: ${cell.name} (${cellLabel(cell)}) starts in ${dir}`);
    const began = Date.now();
    const finish = (outcome: Outcome, code?: number) => {
      outcomes.set(cell.name, { cell, dir, outcome, ...(code === undefined ? {} : { code }) });
      running.delete(cell.name);
    };
    // Several cells at once print prefixed lines, not bars redrawn over each other.
    const line = options.jobs > 1 ? (text: string) => log(`[${cell.name}] ${text}`) : undefined;
    running.set(cell.name, startRun(withThreadShare(cell.experiment, options.jobs), source, dir, { force: false, lock, line })
      .then(({ code, copiedFrom }) => {
        // A copy took no training time of its own: the grid records none for it.
        const copied = copiedFrom !== undefined;
        if (!copied) addCellTime(options.folder, dir, (Date.now() - began) / 1000);
        if (code === 130) stopping = true;
        finish(copied ? 'copied' : code === 0 ? 'ran' : code === 130 ? 'interrupted' : 'failed', code);
        if (code !== 0 && code !== 130) log(`grid: ${cell.name} failed (exit ${code}); the other cells go on`);
      }, (error: unknown) => {
        log(`grid: ${cell.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        finish('failed');
      })
      .finally(() => lock.release()));
  };

  try {
    while (outcomes.size < cells.length && !(stopping && running.size === 0)) {
      for (const cell of cells) {
        if (stopping || outcomes.has(cell.name) || running.has(cell.name)) continue;
        const dir = dirOf(cell);
        if (new RunDirectory(dir).finished) {
          const elsewhere = announced.has(cell.name);
          outcomes.set(cell.name, { cell, dir, outcome: elsewhere ? 'done elsewhere' : 'skipped' });
          if (!elsewhere) log(`grid: ${cell.name} is complete (${dir}): skipped`);
          continue;
        }
        if (running.size >= options.jobs || mustWait(cell)) continue;
        const lock = RunLock.acquire(dir);
        if (lock instanceof RunLock) {
          start(cell, dir, lock);
        } else if (!announced.has(cell.name)) {
          announced.add(cell.name);
          log(`grid: ${cell.name} is being run by ${holderLabel(lock.heldBy)}; waiting for it`);
        }
      }
      if (outcomes.size === cells.length) break;
      await Promise.race([...running.values(), sleep(options.pollMs ?? 1000)]);
    }
  } finally {
    process.off('SIGINT', stop);
  }
  return cells.flatMap((cell) => outcomes.get(cell.name) ?? []);
}
