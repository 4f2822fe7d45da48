/**
 * `rekdc worker`: takes cells from the BullMQ queue one at a time, checks each payload against
 * the schema, compiles and runs it here exactly as `rekdc run` would (run directory, lock, resume)
 * and returns the run's results to the queue. A worker that dies mid-cell stops renewing its job's
 * lock; after the lock timeout another worker's stalled-job check puts the job back and it runs
 * again there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { runDirectory } from '../runs/directory.ts';
import { RUNS_FOLDER } from '../runs/folders.ts';
import { holderLabel, RunLock } from '../runs/lock.ts';
import { startRun } from '../runs/start.ts';
import { RunDirectory } from '../runtime/run/directory.ts';
import { readRunInfo } from '../runtime/run/run-info.ts';
import { QUEUE_NAME, QueueConnection, validatePayload, type CellPayload, type CellResult } from './queue.ts';

export interface WorkerOptions {
  connection: string;
  /** Seconds without a lock renewal after which a job counts as stalled (its worker dead). */
  lockTimeout?: number;
  /** Seconds an unreachable queue is waited for. */
  patience?: number;
  runsRoot?: string;
  log?: (line: string) => void;
}

const workerName = `${os.hostname()}:${process.pid}`;

function resultOf(dir: string, seconds: number): CellResult {
  const run = new RunDirectory(dir);
  const metrics = fs.existsSync(run.paths.metrics) ? fs.readFileSync(run.paths.metrics, 'utf8') : '';
  const info = fs.existsSync(run.paths.runInfo) ? { run_info: readRunInfo(run.paths.runInfo) } : {};
  return { eval: run.readEval(), status: run.status(), metrics, ...info, wall_seconds: seconds, worker: workerName };
}

async function runJob(job: Job<CellPayload, CellResult>, runsRoot: string, log: (line: string) => void): Promise<CellResult> {
  let payload: CellPayload;
  try {
    payload = validatePayload(job.data);
  } catch (error) {
    // A payload that fails validation fails the same way on every worker: no retries.
    throw new UnrecoverableError((error as Error).message);
  }
  const { experiment } = payload;
  const dir = runDirectory(experiment, runsRoot);
  if (new RunDirectory(dir).finished) return resultOf(dir, 0);
  const lock = RunLock.acquire(dir);
  if (!(lock instanceof RunLock)) throw new Error(`${dir} on ${os.hostname()} is being run by ${holderLabel(lock.heldBy)}`);
  log(`worker: job ${job.id} (${payload.cell} of grid ${payload.grid}, attempt ${job.attemptsMade + 1}) in ${dir}`);
  const began = Date.now();
  try {
    const { code } = await startRun(experiment, { file: payload.file, text: payload.source, experiments: [experiment], sourceTree: payload.sourceTree }, dir, { force: false, lock });
    if (code !== 0) throw new Error(`${payload.cell} exited with code ${code} (see ${dir} on ${os.hostname()})`);
  } finally {
    lock.release();
  }
  return resultOf(dir, (Date.now() - began) / 1000);
}

/**
 * A running worker; `close()` stops taking jobs (after the current one) and disconnects (it needs
 * Redis: see `connected`); `lost` rejects once the queue has been unreachable too long.
 */
export function startWorker(options: WorkerOptions): {
  worker: Worker<CellPayload, CellResult>; lost: Promise<never>; connected(): boolean; close(): Promise<void>;
} {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const lockDuration = (options.lockTimeout ?? 30) * 1000;
  const connection = new QueueConnection(options.connection, options.patience, log);
  const worker = new Worker<CellPayload, CellResult>(QUEUE_NAME, (job) => runJob(job, options.runsRoot ?? RUNS_FOLDER, log), {
    connection: connection.client,
    concurrency: 1,
    lockDuration,
    // Look for jobs of dead workers as often as a lock can expire.
    stalledInterval: lockDuration,
    maxStalledCount: 2,
  });
  worker.on('error', connection.onError);
  return {
    worker,
    lost: connection.lost,
    connected: () => connection.client.status === 'ready',
    async close() {
      await worker.close();
      await connection.close();
    },
  };
}
