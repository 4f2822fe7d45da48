/** `rekdc worker --queue url`: runs grid cells from the queue until stopped (Ctrl-C). */
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { QUEUE, QUEUE_TIMEOUT } from './common-options.ts';

export const worker = defineCommand({
  name: 'worker',
  operands: '',
  count: [0, 0],
  summary: 'run grid cells taken from a BullMQ queue (rekdc grid --queue) until stopped, in runs/ of this folder',
  options: {
    queue: { ...QUEUE, help: `${QUEUE.help} (required)` },
    'lock-timeout': {
      kind: 'integer', value: 'seconds', min: 1,
      help: 'seconds after which a silent worker\'s cell is given to another worker (default 30)',
    },
    'queue-timeout': QUEUE_TIMEOUT,
  },
  run: ({ options }) => work(options.queue, options['lock-timeout'], options['queue-timeout']),
});

async function work(queue: string | undefined, lockTimeout: number | undefined, patience: number | undefined): Promise<number> {
  if (queue === undefined) throw new UsageError('--queue is required (the Redis URL the grid was queued on)');
  const { redacted } = await import('../grid/redis-url.ts');
  const { startWorker } = await import('../grid/worker.ts');
  // A URL that is not Redis's is a UsageError from here (exit 2).
  const running = startWorker({ connection: queue, lockTimeout, patience });
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
  const ready = running.worker.waitUntilReady().then(() => process.stderr.write(`worker: waiting for cells on ${redacted(queue)}\n`));
  await Promise.race([ready, stopped]);
  await stopped;
  // Without Redis, BullMQ's close (and its blocking connection) would wait for it until the
  // queue timeout: there is nothing to close cleanly, so stop now.
  if (!running.connected()) process.exit(130);
  await running.close();
  return 130;
}
