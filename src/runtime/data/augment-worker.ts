/** Worker thread of the batch loader: computes the views of the batches it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { makeViewMaker, type ViewSettings } from './views.ts';

export interface WorkerInit {
  /** The split's images, shared with the main thread (read only). */
  images: SharedArrayBuffer;
  settings: ViewSettings;
}

export interface WorkerJob {
  id: number;
  epoch: number;
  indices: Int32Array;
}

export type WorkerReply =
  | { id: number; view1: Float32Array; view2: Float32Array; weak?: Float32Array }
  | { id: number; error: string };

const init = workerData as WorkerInit;
const images = new Uint8Array(init.images);
const maker = makeViewMaker(init.settings);

parentPort!.on('message', (job: WorkerJob) => {
  try {
    const views = maker.make(images, job.indices, job.epoch);
    const transfer = [views.view1, views.view2, ...(views.weak ? [views.weak] : [])].map((v) => v.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: job.id, ...views } satisfies WorkerReply, transfer);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message } satisfies WorkerReply);
  }
});
