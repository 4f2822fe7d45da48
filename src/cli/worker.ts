/** `rekdc worker --queue redis://host:port`: runs grid cells from the queue until stopped (Ctrl-C). */
import { UsageError, type Args } from './args.ts';

export const WORKER_USAGE = 'rekdc worker --queue redis://host:port [--lock-timeout seconds] [--queue-timeout seconds]';

export async function worker(args: Args): Promise<number> {
  if (args.queue === undefined || args.positionals.length) throw new UsageError(`usage: ${WORKER_USAGE}`);
  const { startWorker } = await import('../grid/worker.ts');
  const running = startWorker({ connection: args.queue, lockTimeout: args.lockTimeout, patience: args.queueTimeout });
  void running.lost.catch((error: Error) => {
    process.stderr.write(`worker: ${error.message}\n`);
    // Now, even mid-cell: the cell's training program sees its parent end and stops with a
    // checkpoint, which the next attempt at the job resumes.
    process.exit(1);
  });
  running.worker.on('failed', (job, error) => process.stderr.write(`worker: job ${job?.id} failed: ${error.message}\n`));
  running.worker.on('completed', (job) => process.stderr.write(`worker: job ${job.id} done\n`));
  // The first Ctrl-C reaches the training child too (it checkpoints and exits 130, failing the
  // job, which another attempt resumes); the worker then stops taking jobs and exits. It is
  // heard while Redis is still being waited for, too.
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  const ready = running.worker.waitUntilReady().then(() => process.stderr.write(`worker: waiting for cells on ${args.queue}\n`));
  await Promise.race([ready, stopped]);
  await stopped;
  // Without Redis, BullMQ's close (and its blocking connection) would wait for it until the
  // queue timeout: there is nothing to close cleanly, so stop now.
  if (!running.connected()) process.exit(130);
  await running.close();
  return 130;
}
