/**
 * Where a run lives and what state it is in. `runs/<experiment>-<id>`: the id hashes the resolved
 * experiment and the compiler and runtime versions (codegen/hash.ts), so the same settings always
 * name the same directory, whichever front end (run, grid, worker) starts them.
 */
import * as path from 'node:path';
import type { ResolvedExperiment } from '../compiler.ts';
import { runId } from '../codegen/hash.ts';
import { RunDirectory } from '../runtime/run/directory.ts';
import { RUNS_FOLDER } from './folders.ts';
import { RunLock } from './lock.ts';

export const runDirectory = (experiment: ResolvedExperiment, runsRoot = RUNS_FOLDER): string =>
  path.join(runsRoot, `${experiment.name}-${runId(experiment)}`);

/**
 * `complete`: eval.json written; `running`: locked by a live process; `failed`: stopped on an error
 * (status.json says why; running it again retries); `interrupted`: started, not finished.
 */
export type RunProgress = 'complete' | 'running' | 'failed' | 'interrupted' | 'new';

export function runProgress(dir: string): { state: RunProgress; pid?: number } {
  const run = new RunDirectory(dir);
  if (run.finished) return { state: 'complete' };
  const holder = RunLock.holder(dir);
  if (holder !== null) return { state: 'running', pid: holder.pid };
  const status = run.status();
  if (status?.state === 'failed') return { state: 'failed' };
  return { state: status || run.hasCheckpoint() ? 'interrupted' : 'new' };
}
