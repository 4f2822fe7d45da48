/**
 * The batch loader: epochs of seeded, shuffled batches of two augmented views (plus an optional
 * weak view), computed in worker threads ahead of the training step that needs them.
 * Batches come out in the same order with the same content whatever the worker count or timing:
 * the order of an epoch and every view's randomness are functions of (seed, epoch, image index).
 */
import { Worker } from 'node:worker_threads';
import { Rng } from '../random.ts';
import type { AugmentOp, ImageShape } from '../augment/pipeline.ts';
import type { WorkerInit, WorkerJob, WorkerReply } from './augment-worker.ts';
import { DataError, type Split } from './dataset.ts';
import { makeViewMaker, type BatchViews, type ViewMaker } from './views.ts';

export interface LoaderOptions {
  split: Split;
  /** Shape of the split's images. */
  shape: ImageShape;
  batchSize: number;
  seed: number;
  augment: readonly AugmentOp[];
  weak?: readonly AugmentOp[];
  /** Worker threads computing views; 0 computes them on the calling thread. Default 1. */
  workers?: number;
  /** Batches prepared ahead of the one being consumed. Default 4. */
  prefetch?: number;
  /** Drop the last incomplete batch of an epoch (default true: full batches for BatchNorm and the queue). */
  dropLast?: boolean;
  /** Where to start: a state returned by `state()` of an earlier loader with the same settings. */
  resume?: LoaderState;
}

/** Position of the next batch `next()` returns. */
export interface LoaderState {
  epoch: number;
  batch: number;
  seed: number;
}

export interface Batch extends BatchViews {
  epoch: number;
  /** Batch number within the epoch. */
  batch: number;
  size: number;
  labels: Int32Array;
  /** Indices of the images in the split. */
  indices: Int32Array;
  /** Shape of one image of view1 / view2. */
  viewShape: ImageShape;
  weakShape?: ImageShape;
}

interface Pending {
  epoch: number;
  batch: number;
  indices: Int32Array;
  views: Promise<BatchViews>;
}

export class BatchLoader {
  readonly batchesPerEpoch: number;
  readonly viewShape: ImageShape;
  readonly weakShape?: ImageShape;
  private readonly maker: ViewMaker;
  private readonly pool: WorkerPool | null;
  private readonly ahead: Pending[] = [];
  private readonly prefetch: number;
  private cursor: { epoch: number; batch: number };
  private orderEpoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(private readonly options: LoaderOptions) {
    const { split, batchSize, seed } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(`batch_size = ${batchSize} must be a positive integer`);
    const dropLast = options.dropLast ?? true;
    this.batchesPerEpoch = dropLast ? Math.floor(split.count / batchSize) : Math.ceil(split.count / batchSize);
    if (this.batchesPerEpoch === 0) {
      throw new DataError(`batch_size = ${batchSize} is larger than the ${split.count} training images`);
    }
    // Compiling here checks the settings before any worker starts and gives the output shapes.
    const { height, width, channels } = options.shape;
    const settings = { seed, shape: { height, width, channels }, augment: options.augment, weak: options.weak };
    this.maker = makeViewMaker(settings);
    this.viewShape = this.maker.strong.output;
    this.weakShape = this.maker.weak?.output;
    const start = options.resume ?? { epoch: 0, batch: 0, seed };
    if (start.seed !== seed) throw new DataError(`loader state was saved with seed ${start.seed}, not ${seed}`);
    if (!(start.batch >= 0 && start.batch < this.batchesPerEpoch)) {
      throw new DataError(`loader state batch ${start.batch} is outside 0..${this.batchesPerEpoch - 1}`);
    }
    this.cursor = { epoch: start.epoch, batch: start.batch };
    const workers = options.workers ?? 1;
    this.pool = workers > 0 ? new WorkerPool(workers, split.images, settings) : null;
    // Without workers, computing ahead would only move the same work earlier on the same thread.
    this.prefetch = this.pool ? Math.max(1, options.prefetch ?? 4) : 1;
  }

  /** The position of the batch the next `next()` call returns (store it to resume). */
  state(): LoaderState {
    const head = this.ahead[0] ?? this.cursor;
    return { epoch: head.epoch, batch: head.batch, seed: this.options.seed };
  }

  async next(): Promise<Batch> {
    this.fill();
    const pending = this.ahead.shift()!;
    if (this.pool) this.fill();
    const views = await pending.views;
    const labels = new Int32Array(pending.indices.length);
    for (let i = 0; i < labels.length; i++) labels[i] = this.options.split.labels[pending.indices[i]];
    return {
      epoch: pending.epoch,
      batch: pending.batch,
      size: pending.indices.length,
      indices: pending.indices,
      labels,
      ...views,
      viewShape: this.viewShape,
      ...(this.weakShape ? { weakShape: this.weakShape } : {}),
    };
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private fill(): void {
    while (this.ahead.length < this.prefetch) {
      const { epoch, batch } = this.cursor;
      const indices = this.batchIndices(epoch, batch);
      const views = this.pool
        ? this.pool.run(epoch, indices)
        : Promise.resolve(this.maker.make(this.options.split.images, indices, epoch));
      // A rejection surfaces in next(); until then this handler keeps it from counting as unhandled.
      views.catch(() => undefined);
      this.ahead.push({ epoch, batch, indices, views });
      this.cursor = batch + 1 < this.batchesPerEpoch ? { epoch, batch: batch + 1 } : { epoch: epoch + 1, batch: 0 };
    }
  }

  private batchIndices(epoch: number, batch: number): Int32Array {
    if (epoch !== this.orderEpoch) {
      this.order = epochOrder(this.options.split.count, this.options.seed, epoch);
      this.orderEpoch = epoch;
    }
    const start = batch * this.options.batchSize;
    return this.order.slice(start, Math.min(start + this.options.batchSize, this.order.length));
  }
}

/** The shuffled image order of one epoch. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  new Rng(seed).fork(`data.order.${epoch}`).shuffle(order);
  return order;
}

/**
 * Worker threads sharing the split's images. Jobs go round-robin; each worker answers in order.
 * Workers do not keep the process alive while idle.
 */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly busy: number[];
  private readonly waiting = new Map<number, { worker: number; resolve: (v: BatchViews) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(count: number, images: Uint8Array, settings: WorkerInit['settings']) {
    const shared = new SharedArrayBuffer(images.byteLength);
    new Uint8Array(shared).set(images);
    const init: WorkerInit = { images: shared, settings };
    this.workers = Array.from({ length: count }, (_, w) => this.start(w, init));
    this.busy = this.workers.map(() => 0);
  }

  run(epoch: number, indices: Int32Array): Promise<BatchViews> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const w = id % this.workers.length;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker: w, resolve, reject });
      if (this.busy[w]++ === 0) this.workers[w].ref();
      this.workers[w].postMessage({ id, epoch, indices } satisfies WorkerJob);
    });
  }

  async close(): Promise<void> {
    this.fail(new DataError('the batch loader was closed'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private start(index: number, init: WorkerInit): Worker {
    const worker = new Worker(new URL('./augment-worker-boot.mjs', import.meta.url), { workerData: init });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(new DataError(`augmentation worker ${index} failed: ${error.message}`)));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new DataError(`augmentation worker ${index} exited with code ${code}`));
    });
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const job = this.waiting.get(reply.id);
    if (!job) return;
    this.waiting.delete(reply.id);
    if (--this.busy[job.worker] === 0) this.workers[job.worker].unref();
    if ('error' in reply) job.reject(new DataError(`augmentation failed: ${reply.error}`));
    else job.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.waiting.values()) job.reject(this.failure);
    this.waiting.clear();
  }
}
