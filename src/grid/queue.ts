/**
 * Grids across machines on BullMQ (Redis): `rekdc grid --queue` enqueues one job per cell whose
 * payload is the cell's resolved experiment (JSON data, validated against the schema by the worker
 * before anything is compiled: never code), waits for them and records each result once into the
 * cell's local run directory, so results, `rekdc plan` and later runs see it like a local run.
 * The job id is the cell's content-hash run id: enqueueing a grid again adds no job twice.
 */
import * as path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CompiledGrid, GridCell, JsonValue, ResolvedExperiment } from '../compiler.ts';
import type { CompiledFile } from '../cli/compiled.ts';
import { RunLock } from '../cli/run-lock.ts';
import { UsageError } from '../cli/args.ts';
import { validateResolved } from '../schema/validate.ts';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/run/atomic.ts';
import { openRunDirectory, RunDirectory, type RunStatus } from '../runtime/run/directory.ts';
import { buildReport } from '../runtime/run/report.ts';
import { cellDirectory, RUNS_ROOT } from './cells.ts';
import { addCellTime } from './folder.ts';
import type { CellOutcome } from './local.ts';

export const QUEUE_NAME = 'rekd-cells';

/** What a job carries: data only. `source` is the .rekd text, kept as the run's source.rekd, never compiled. */
export interface CellPayload {
  grid: string;
  cell: string;
  values: Record<string, JsonValue>;
  experiment: ResolvedExperiment;
  file: string;
  source: string;
}

/** What a worker returns: the run directory's results, metrics and status (the queue is the result store). */
export interface CellResult {
  eval: unknown;
  status: RunStatus | undefined;
  metrics: string;
  wall_seconds: number;
  worker: string;
}

/**
 * A client of the Redis at `redis://host:port`. BullMQ loads no client itself under ESM, so each
 * queue, event stream and worker gets its own (blocking reads need maxRetriesPerRequest null);
 * whoever creates one quits it.
 */
export function redisClient(url: string, log: (line: string) => void = () => {}): Redis {
  const match = /^redis:\/\/([^:/]+):(\d+)\/?$/.exec(url);
  if (!match) throw new UsageError(`--queue must be redis://host:port, found '${url}'`);
  const client = new Redis({ host: match[1], port: Number(match[2]), maxRetriesPerRequest: null });
  // ioredis reconnects by itself; say so once per outage instead of once per attempt.
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) log(`queue: ${url} is unreachable (${error.message}); retrying`);
    down = true;
  });
  client.on('ready', () => (down = false));
  return client;
}

/** The queue's Redis cannot be reached: a user-facing problem (wrong address, server down). */
export class QueueError extends Error {
  override name = 'QueueError';
}

/** Resolves once `client` is connected; rejects with a QueueError after `seconds`. */
function reachable(client: Redis, url: string, seconds = 10): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new QueueError(`cannot reach the queue at ${url} (no answer in ${seconds} s)`)), seconds * 1000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The payload of a job, checked before a worker compiles anything from it; throws naming what is wrong. */
export function validatePayload(data: unknown): CellPayload {
  const payload = data as Partial<CellPayload> | null;
  if (!payload || typeof payload !== 'object') throw new Error('the job payload is not an object');
  for (const field of ['grid', 'cell', 'file', 'source'] as const) {
    if (typeof payload[field] !== 'string') throw new Error(`the job payload's ${field} is not a string`);
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
    const run = openRunDirectory(dir, { resolved: experiment, source: source.text });
    writeFileAtomic(run.paths.metrics, result.metrics);
    run.writeEval(result.eval);
    writeJsonAtomic(run.paths.status, result.status ?? { state: 'finished', step: 0, epoch: 0, updated: new Date().toISOString() });
    buildReport(dir);
    addCellTime(folder, dir, result.wall_seconds);
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
  log?: (line: string) => void;
}

export async function runGridOnQueue(grid: CompiledGrid, source: CompiledFile, options: QueueOptions): Promise<CellOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clients = [redisClient(options.connection, log), redisClient(options.connection, log)];
  try {
    await reachable(clients[0], options.connection);
  } catch (error) {
    clients.forEach((c) => c.disconnect());
    throw error;
  }
  const queue = new Queue<CellPayload, CellResult>(QUEUE_NAME, { connection: clients[0] });
  const events = new QueueEvents(QUEUE_NAME, { connection: clients[1] });
  try {
    await events.waitUntilReady();
    const waiting: Array<Promise<CellOutcome>> = [];
    for (const cell of grid.cells) {
      const dir = cellDirectory(cell.experiment, options.runsRoot ?? RUNS_ROOT);
      if (new RunDirectory(dir).finished) {
        log(`grid: ${cell.name} is complete (${dir}): skipped`);
        waiting.push(Promise.resolve({ cell, dir, outcome: 'skipped' }));
        continue;
      }
      const payload: CellPayload = { grid: grid.name, cell: cell.name, values: cell.values, experiment: cell.experiment, file: source.file, source: source.text };
      const job = await queue.add(cell.name, payload, {
        jobId: jobId(grid.name, dir), attempts: options.attempts ?? 3, removeOnComplete: false, removeOnFail: false,
      });
      // The id exists already when this grid was enqueued before: a job that failed then is tried again.
      if (await job.isFailed()) await job.retry('failed');
      log(`grid: ${cell.name} queued as job ${job.id}`);
      waiting.push(awaitCell(job, cell, dir, source, options.folder, events, log));
    }
    return await Promise.all(waiting);
  } finally {
    await events.close();
    await queue.close();
    await Promise.all(clients.map((c) => c.quit()));
  }
}

async function awaitCell(job: Job<CellPayload, CellResult>, cell: GridCell, dir: string, source: CompiledFile,
  folder: string, events: QueueEvents, log: (line: string) => void): Promise<CellOutcome> {
  try {
    const result = await job.waitUntilFinished(events);
    const recorded = recordResult(cell.experiment, source, dir, folder, result);
    log(`grid: ${cell.name} done by ${result.worker}${recorded ? '' : ' (a result was already recorded: kept that one)'}`);
    return { cell, dir, outcome: 'ran' };
  } catch (error) {
    log(`grid: ${cell.name} failed on the queue: ${error instanceof Error ? error.message : String(error)}`);
    return { cell, dir, outcome: 'failed' };
  }
}
