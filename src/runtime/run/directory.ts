/**
 * The run directory: everything one run writes, in one place, so a run can be resumed, inspected
 * and reported on from its files alone.
 *
 *   source.rekd  resolved.json  status.json  metrics.jsonl  metrics.csv  run-info.json  eval.json  report.md
 *   sources/ (the source file and its imports, when it has some)
 *   checkpoints/latest.ckpt  checkpoints/previous.ckpt  checkpoints/best.ckpt  plots/*.svg
 *
 * `previous.ckpt` is the `latest.ckpt` before the last save, so a damaged latest one leaves an
 * intact one to resume from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson, runIdentity } from './identity.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { MetricsLog } from './metrics.ts';
import { UserError, warnToStderr } from '../user-problems.ts';

/** A user-facing problem with a run directory (printed without a stack trace). */
export class RunError extends UserError {
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
  /**
   * When that file imports others: it and every file it imports, at their paths relative to the
   * folder holding them all, so `sources/` compiles on its own (a run directory is self-contained).
   */
  sourceTree?: SourceFile[];
  /** Start over: remove what an earlier run wrote here (`--force`). */
  fresh?: boolean;
}

/** A .rekd file of a source tree: its path relative to the tree's folder ('/'-separated) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

export interface RunPaths {
  source: string;
  sources: string;
  resolved: string;
  status: string;
  metrics: string;
  metricsCsv: string;
  runInfo: string;
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
    sources: path.join(dir, 'sources'),
    resolved: path.join(dir, 'resolved.json'),
    status: path.join(dir, 'status.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    metricsCsv: path.join(dir, 'metrics.csv'),
    runInfo: path.join(dir, 'run-info.json'),
    checkpoints,
    latest: path.join(checkpoints, 'latest.ckpt'),
    previous: path.join(checkpoints, 'previous.ckpt'),
    best: path.join(checkpoints, 'best.ckpt'),
    eval: path.join(dir, 'eval.json'),
    report: path.join(dir, 'report.md'),
    plots: path.join(dir, 'plots'),
  };
}

const RUN_STATES: readonly RunState[] = ['running', 'interrupted', 'failed', 'finished'];

/** Damaged status files already warned about: commands read a status several times. */
const warnedDamaged = new Set<string>();

function parseStatus(text: string): RunStatus | undefined {
  let status: Partial<RunStatus> | null;
  try {
    status = JSON.parse(text) as Partial<RunStatus> | null;
  } catch {
    return undefined;
  }
  const valid = status !== null && typeof status === 'object' && RUN_STATES.includes(status.state!) &&
    Number.isInteger(status.step) && Number.isInteger(status.epoch);
  return valid ? (status as RunStatus) : undefined;
}

export class RunDirectory {
  readonly paths: RunPaths;
  readonly metrics: MetricsLog;
  /** When this process opened the directory: the start of its session in run-info.json. */
  readonly opened = new Date();

  constructor(readonly dir: string) {
    this.paths = runPaths(dir);
    this.metrics = new MetricsLog(this.paths.metrics);
  }

  /** The run's status; undefined when it has none or it is damaged (warned once: the next write rebuilds it). */
  status(): RunStatus | undefined {
    if (!fs.existsSync(this.paths.status)) return undefined;
    const status = parseStatus(fs.readFileSync(this.paths.status, 'utf8'));
    if (status === undefined && !warnedDamaged.has(this.paths.status)) {
      warnedDamaged.add(this.paths.status);
      warnToStderr(`${this.paths.status} is damaged (not a run status); the run's state is taken as unknown until it is written again`);
    }
    return status;
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
    // A folder in a checkpoint's place is no checkpoint (saving there fails with a message naming it);
    // neither is a path through a file (`runs` a file: creating the run's folder says so).
    return [this.paths.latest, this.paths.previous, this.paths.best].filter((file) => isFile(file));
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

function isFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw error;
  }
}

/** Files and folders a run writes; `fresh` removes exactly these, never anything else in `dir`. */
const runEntries = (paths: RunPaths) => [
  paths.source, paths.sources, paths.resolved, paths.status, paths.metrics, paths.metricsCsv, paths.runInfo, paths.checkpoints, paths.eval, paths.report, paths.plots,
];

/** Whether a stored resolved.json is the same run as `resolved`, whatever the order of its keys and thread count. */
function sameIdentity(storedText: string, resolved: unknown): boolean {
  try {
    return canonicalJson(runIdentity(JSON.parse(storedText))) === canonicalJson(runIdentity(resolved));
  } catch {
    return false;
  }
}

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
    const stored = fs.readFileSync(run.paths.resolved, 'utf8');
    if (stored !== resolvedText && !sameIdentity(stored, options.resolved)) {
      throw new RunError(
        `${dir} holds a run of a different experiment (its resolved.json differs); ` +
          'start over with --force or choose another directory',
      );
    }
    // Only the thread count or the name differs: the file records this run's.
    if (stored !== resolvedText) writeFileAtomic(run.paths.resolved, resolvedText);
  } else {
    writeFileAtomic(run.paths.resolved, resolvedText);
  }
  if (options.source !== undefined) writeFileAtomic(run.paths.source, options.source);
  for (const file of options.sourceTree ?? []) writeFileAtomic(treePath(run.paths.sources, file.path), file.text);
  return run;
}

/** Where a source tree's file goes under `folder`; a path that would leave it (it may come from a queue's payload) is refused. */
function treePath(folder: string, relative: string): string {
  const parts = relative.split('/');
  if (path.isAbsolute(relative) || parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\\'))) {
    throw new RunError(`source file path '${relative}' is not a plain relative path`);
  }
  const file = path.join(folder, ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

export function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new RunError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
