/**
 * The run directory: everything one run writes, in one place, so a run can be resumed, inspected
 * and reported on from its files alone.
 *
 *   source.rekd  resolved.json  status.json  metrics.jsonl  eval.json  report.md
 *   checkpoints/latest.ckpt  checkpoints/previous.ckpt  checkpoints/best.ckpt  plots/*.svg
 *
 * `previous.ckpt` is the `latest.ckpt` before the last save, so a damaged latest one leaves an
 * intact one to resume from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { MetricsLog } from './metrics.ts';

/** A user-facing problem with a run directory (printed without a stack trace). */
export class RunError extends Error {
  override name = 'RunError';
}

export type RunState = 'running' | 'interrupted' | 'failed' | 'finished';

export interface RunStatus {
  state: RunState;
  step: number;
  epoch: number;
  updated: string;
  message?: string;
}

export interface OpenRunOptions {
  /** The resolved experiment, stored as resolved.json; a resume must present the same one. */
  resolved: unknown;
  /** The .rekd source text the experiment came from. */
  source?: string;
  /** Start over: remove what an earlier run wrote here (`--force`). */
  fresh?: boolean;
}

export interface RunPaths {
  source: string;
  resolved: string;
  status: string;
  metrics: string;
  checkpoints: string;
  latest: string;
  previous: string;
  best: string;
  eval: string;
  report: string;
  plots: string;
}

export function runPaths(dir: string): RunPaths {
  const checkpoints = path.join(dir, 'checkpoints');
  return {
    source: path.join(dir, 'source.rekd'),
    resolved: path.join(dir, 'resolved.json'),
    status: path.join(dir, 'status.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    checkpoints,
    latest: path.join(checkpoints, 'latest.ckpt'),
    previous: path.join(checkpoints, 'previous.ckpt'),
    best: path.join(checkpoints, 'best.ckpt'),
    eval: path.join(dir, 'eval.json'),
    report: path.join(dir, 'report.md'),
    plots: path.join(dir, 'plots'),
  };
}

export class RunDirectory {
  readonly paths: RunPaths;
  readonly metrics: MetricsLog;

  constructor(readonly dir: string) {
    this.paths = runPaths(dir);
    this.metrics = new MetricsLog(this.paths.metrics);
  }

  status(): RunStatus | undefined {
    return readJson<RunStatus>(this.paths.status);
  }

  setStatus(state: RunState, progress: { step: number; epoch: number }, message?: string): void {
    const status: RunStatus = { state, ...progress, updated: new Date().toISOString() };
    if (message !== undefined) status.message = message;
    writeJsonAtomic(this.paths.status, status);
  }

  get finished(): boolean {
    return this.status()?.state === 'finished' && fs.existsSync(this.paths.eval);
  }

  /** The checkpoints a resume may start from, most preferred first (best.ckpt holds a whole training state too). */
  checkpointFiles(): string[] {
    return [this.paths.latest, this.paths.previous, this.paths.best].filter((file) => fs.existsSync(file));
  }

  hasCheckpoint(): boolean {
    return this.checkpointFiles().length > 0;
  }

  writeEval(results: unknown): void {
    writeJsonAtomic(this.paths.eval, results);
  }

  readEval<T = unknown>(): T | undefined {
    return readJson<T>(this.paths.eval);
  }
}

/** Files and folders a run writes; `fresh` removes exactly these, never anything else in `dir`. */
const runEntries = (paths: RunPaths) => [
  paths.source, paths.resolved, paths.status, paths.metrics, paths.checkpoints, paths.eval, paths.report, paths.plots,
];

/**
 * Opens (creating if needed) a run directory. An existing directory is resumed when it holds the
 * same resolved experiment; a different one is an error rather than a silent mix of two runs.
 */
export function openRunDirectory(dir: string, options: OpenRunOptions): RunDirectory {
  const run = new RunDirectory(dir);
  if (options.fresh) {
    for (const entry of runEntries(run.paths)) fs.rmSync(entry, { recursive: true, force: true });
  }
  fs.mkdirSync(run.paths.checkpoints, { recursive: true });
  const resolvedText = JSON.stringify(options.resolved, null, 2) + '\n';
  if (fs.existsSync(run.paths.resolved)) {
    if (fs.readFileSync(run.paths.resolved, 'utf8') !== resolvedText) {
      throw new RunError(
        `${dir} holds a run of a different experiment (its resolved.json differs); ` +
          'start over with --force or choose another directory',
      );
    }
  } else {
    writeFileAtomic(run.paths.resolved, resolvedText);
  }
  if (options.source !== undefined) writeFileAtomic(run.paths.source, options.source);
  return run;
}

export function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new RunError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
