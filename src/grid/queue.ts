/**
 * Grids across machines on BullMQ (Redis): `rekdc grid --queue` enqueues one job per cell whose
 * payload is the cell's resolved experiment (JSON data, validated against the schema by the worker
 * before anything is compiled: never code), waits for them and records each result once into the
 * cell's local run directory, so results, `rekdc plan` and later runs see it like a local run.
 * The job id is the cell's content-hash run id: enqueueing a grid again adds no job twice.
 */
import * as path from 'node:path';
import { isNotConnectionError, Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CompiledGrid, GridCell, JsonValue, ResolvedExperiment } from '../compiler.ts';
import type { CompiledFile } from '../runs/compiled-file.ts';
import { runDirectory } from '../runs/directory.ts';
import { RUNS_FOLDER } from '../runs/folders.ts';
import { RunLock } from '../runs/lock.ts';
import { validateResolved } from '../schema/validate.ts';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/run/atomic.ts';
import { openRunDirectory, RunDirectory, type RunStatus, type SourceFile } from '../runtime/run/directory.ts';
import { buildReport } from '../runtime/run/report.ts';
import type { RunInfo } from '../runtime/run/run-info.ts';
import { addCellTime } from './folder.ts';
import type { CellOutcome } from './local.ts';
import { redacted, redisOptions } from './redis-url.ts';

export const QUEUE_NAME = 'rekd-cells';

/** What a job carries: data only. `source` is the .rekd text, kept as the run's source.rekd, never compiled. */
export interface CellPayload {
  grid: string;
  cell: string;
  values: Record<string, JsonValue>;
  experiment: ResolvedExperiment;
  file: string;
  source: string;
  /** The file and its imports, when it has some (CompiledFile's sourceTree); absent from coordinators of older versions. */
  sourceTree?: SourceFile[];
}

/** What a worker returns: the run directory's results, metrics and status (the queue is the result store). */
export interface CellResult {
  eval: unknown;
  status: RunStatus | undefined;
  metrics: string;
  /** run-info.json (how the cell ran: times, backend, machine); absent from workers of older versions. */
  run_info?: RunInfo;
  wall_seconds: number;
  worker: string;
}

/** Seconds an unreachable queue is waited for before giving up (`--queue-timeout`). */
export const QUEUE_PATIENCE = 60;

/** The queue's Redis cannot be reached: a user-facing problem (wrong address, server down). */
export class QueueError extends Error {
  override name = 'QueueError';
}

/**
 * The Redis at `url` (redis-url.ts) behind a queue, kept through outages: one line when it goes
 * away (not one per reconnection attempt or per BullMQ error), reconnection with backoff (0.25 s
 * doubling up to 5 s), one line when it is back, and after `patience` seconds away `lost` rejects
 * with a QueueError. BullMQ loads no client itself under ESM, and its blocking reads need
 * maxRetriesPerRequest null (so commands wait for the reconnection); whoever creates one closes it.
 */
export class QueueConnection {
  readonly client: Redis;
  /** Rejects once the queue has been unreachable for `patience` seconds. */
  readonly lost: Promise<never>;
  private downSince: number | undefined;
  private reported = false;

  /** The URL as messages show it (its password masked). */
  readonly shown: string;

  constructor(url: string, readonly patience = QUEUE_PATIENCE, private readonly log: (line: string) => void = () => {}) {
    const options = redisOptions(url);
    this.shown = redacted(url);
    let giveUp: (error: QueueError) => void = () => {};
    this.lost = new Promise<never>((_, reject) => (giveUp = reject));
    // Nobody may be waiting on it when it happens (a closing grid).
    this.lost.catch(() => {});
    const retryStrategy = (attempt: number): number | null => {
      this.downSince ??= Date.now();
      if (Date.now() - this.downSince < patience * 1000) return Math.min(250 * 2 ** (attempt - 1), 5000);
      giveUp(new QueueError(`the queue at ${this.shown} has been unreachable for ${patience} s: giving up`));
      return null;
    };
    this.client = new Redis({ ...options, lazyConnect: false, maxRetriesPerRequest: null, retryStrategy });
    this.client.on('error', this.onError);
    this.client.on('ready', () => {
      if (this.reported) log(`queue: ${this.shown} is back`);
      this.downSince = undefined;
      this.reported = false;
    });
  }

  /** For the 'error' events of the client and of the BullMQ objects on it: an outage is told once, other errors in one line. */
  readonly onError = (error: Error): void => {
    if (this.client.status === 'ready' && isNotConnectionError(error)) {
      this.log(`queue: ${error.message}`);
    } else if (!this.reported) {
      this.reported = true;
      this.log(`queue: ${this.shown} is unreachable (${error.message || (error as NodeJS.ErrnoException).code}); retrying for up to ${this.patience} s`);
    }
  };

  /** Resolves once connected; rejects as `lost` does. */
  ready(): Promise<void> {
    if (this.client.status === 'ready') return Promise.resolve();
    return Promise.race([new Promise<void>((resolve) => this.client.once('ready', () => resolve())), this.lost]);
  }

  async close(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The payload of a job, checked before a worker compiles anything from it; throws naming what is wrong. */
export function validatePayload(data: unknown): CellPayload {
  const payload = data as Partial<CellPayload> | null;
  if (!payload || typeof payload !== 'object') throw new Error('the job payload is not an object');
  for (const field of ['grid', 'cell', 'file', 'source'] as const) {
    if (typeof payload[field] !== 'string') throw new Error(`the job payload's ${field} is not a string`);
  }
  const tree = payload.sourceTree;
  if (tree !== undefined && !(Array.isArray(tree) && tree.every((f) => typeof f?.path === 'string' && typeof f?.text === 'string'))) {
    throw new Error("the job payload's sourceTree is not a list of { path, text } strings");
  }
  const problems = validateResolved(payload.experiment);
  if (problems.length) throw new Error(`the job payload's experiment fails the schema: ${problems.join('; ')}`);
  // The name becomes a directory name: no separators, no '..'.
  if (!NAME.test(payload.experiment!.name)) throw new Error(`the job payload's experiment name '${payload.experiment!.name}' is not a plain name`);
  return payload as CellPayload;
}

/** `<grid>-<cell>-<run id>`: the same cell and settings always get the same job. */
export const jobId = (grid: string, dir: string): string => `${grid}-${path.basename(dir)}`;

/**
 * Writes a worker's result into the local run directory of its cell, unless a result is there
 * already: under the run's lock, so two recorders never both write it.
 */
export function recordResult(experiment: ResolvedExperiment, source: CompiledFile, dir: string, folder: string, result: CellResult): boolean {
  const lock = RunLock.acquire(dir);
  if (!(lock instanceof RunLock)) return false;
  try {
    if (new RunDirectory(dir).finished) return false;
    const run = openRunDirectory(dir, { resolved: experiment, source: source.text, sourceTree: source.sourceTree });
    writeFileAtomic(run.paths.metrics, result.metrics);
    if (result.run_info) writeJsonAtomic(run.paths.runInfo, result.run_info);
    run.writeEval(result.eval);
    writeJsonAtomic(run.paths.status, result.status ?? { state: 'finished', step: 0, epoch: 0, updated: new Date().toISOString() });
    buildReport(dir);
    // A worker that copied a finished run of the same settings trained nothing: no wall time.
    if (result.run_info?.copied_from === undefined) addCellTime(folder, dir, result.wall_seconds);
    return true;
  } finally {
    lock.release();
  }
}

export interface QueueOptions {
  connection: string;
  folder: string;
  runsRoot?: string;
  /** Attempts per cell (a worker that dies mid-cell costs one). */
  attempts?: number;
  /** Seconds an unreachable queue is waited for. */
  patience?: number;
  /** How often the jobs' states are read (ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

/** What the queue says of a cell's job: gone (Redis restarted empty), not finished yet, or finished. */
export type CellJobRead =
  | { state: 'gone' }
  | { state: 'pending' }
  | { state: 'completed'; result: CellResult }
  | { state: 'failed'; reason: string };

/**
 * Reads a job's state before the job: BullMQ sets the completed state and the return value in one
 * script, so a job read after its state says completed carries its result. Read the other way round,
 * a job completing between the two reads would look completed without a result.
 */
export async function readCellJob(queue: Pick<Queue<CellPayload, CellResult>, 'getJob' | 'getJobState'>, id: string): Promise<CellJobRead> {
  const state = await queue.getJobState(id);
  if (state === 'unknown') return { state: 'gone' };
  if (state !== 'completed' && state !== 'failed') return { state: 'pending' };
  const job = await queue.getJob(id);
  // Gone between the two reads: Redis restarted empty.
  if (!job) return { state: 'gone' };
  return state === 'completed' ? { state, result: job.returnvalue } : { state, reason: job.failedReason };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Enqueues the cells not complete here and records each one's result as its job completes. The
 * jobs' states are read from the queue (not followed as an event stream, whose events during an
 * outage are lost): a job that is gone after a reconnection (Redis restarted empty) is queued again.
 */
export async function runGridOnQueue(grid: CompiledGrid, source: CompiledFile, options: QueueOptions): Promise<CellOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const connection = new QueueConnection(options.connection, options.patience, log);
  const queue = new Queue<CellPayload, CellResult>(QUEUE_NAME, { connection: connection.client });
  queue.on('error', connection.onError);
  try {
    await connection.ready();
    return await Promise.race([connection.lost, waitForCells(grid, source, queue, options, log)]);
  } finally {
    if (connection.client.status === 'ready') await queue.close();
    await connection.close();
  }
}

async function waitForCells(grid: CompiledGrid, source: CompiledFile, queue: Queue<CellPayload, CellResult>,
  options: QueueOptions, log: (line: string) => void): Promise<CellOutcome[]> {
  const outcomes = new Map<GridCell, CellOutcome>();
  const pending = new Map<GridCell, { dir: string; enqueue: () => Promise<Job<CellPayload, CellResult>> }>();
  for (const cell of grid.cells) {
    const dir = runDirectory(cell.experiment, options.runsRoot ?? RUNS_FOLDER);
    if (new RunDirectory(dir).finished) {
      log(`grid: ${cell.name} is complete (${dir}): skipped`);
      outcomes.set(cell, { cell, dir, outcome: 'skipped' });
      continue;
    }
    const payload: CellPayload = { grid: grid.name, cell: cell.name, values: cell.values, experiment: cell.experiment, file: source.file, source: source.text, ...(source.sourceTree ? { sourceTree: source.sourceTree } : {}) };
    const enqueue = () => queue.add(cell.name, payload, {
      jobId: jobId(grid.name, dir), attempts: options.attempts ?? 3, removeOnComplete: false, removeOnFail: false,
    });
    const job = await enqueue();
    // The id exists already when this grid was enqueued before: a job that failed then is tried again.
    if (await job.isFailed()) await job.retry('failed');
    log(`grid: ${cell.name} queued as job ${job.id}`);
    pending.set(cell, { dir, enqueue });
  }
  while (pending.size) {
    for (const [cell, { dir, enqueue }] of pending) {
      const read = await readCellJob(queue, jobId(grid.name, dir));
      if (read.state === 'gone') {
        await enqueue();
        log(`grid: ${cell.name}'s job is gone from the queue (Redis restarted?): queued again`);
      } else if (read.state === 'completed') {
        const recorded = recordResult(cell.experiment, source, dir, options.folder, read.result);
        log(`grid: ${cell.name} done by ${read.result.worker}${recorded ? '' : ' (a result was already recorded: kept that one)'}`);
        outcomes.set(cell, { cell, dir, outcome: read.result.run_info?.copied_from === undefined ? 'ran' : 'copied' });
        pending.delete(cell);
      } else if (read.state === 'failed') {
        log(`grid: ${cell.name} failed on the queue: ${read.reason}`);
        outcomes.set(cell, { cell, dir, outcome: 'failed' });
        pending.delete(cell);
      }
    }
    if (pending.size) await sleep(options.pollMs ?? 1000);
  }
  return grid.cells.map((cell) => outcomes.get(cell)!);
}
