/**
 * The FIFO memory queue of METHOD.md: K slots, each holding a momentum-student key, optionally the
 * teacher embedding of the same image and its mined relation label. While the queue fills up only
 * the filled slots are stored, so `keys`/`teacher`/`labels` never contain empty slots and the losses
 * need no mask; once full, new rows overwrite the oldest ones in place (a ring).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectMatrix } from './rows.ts';
import { type SavedState, savedCount, savedTensor } from './state.ts';

export interface QueueOptions {
  /** K, the number of slots. */
  size: number;
  keyDim: number;
  /** Width of the teacher embeddings to keep per slot; omit when no relation term needs them. */
  teacherDim?: number;
  /** Keep a relation label per slot (the prototype miner). */
  labels?: boolean;
}

export interface QueueEntry {
  keys: tf.Tensor2D;
  teacher?: tf.Tensor2D;
  /** Missing labels are stored as -1, a label no query ever has. */
  labels?: tf.Tensor1D;
}

export const UNLABELLED = -1;

/**
 * Writes `rows` into a ring of `capacity` slots whose first `stored.shape[0]` rows are filled,
 * starting at slot `pointer`; returns the new store (at most `capacity` rows).
 */
function writeRing(stored: tf.Tensor, rows: tf.Tensor, pointer: number, capacity: number): tf.Tensor {
  const count = rows.shape[0];
  const end = pointer + count;
  const part = (x: tf.Tensor, from: number, to: number): tf.Tensor[] => (to > from ? [tf.slice(x, [from], [to - from])] : []);
  if (end <= capacity) {
    return tf.concat([...part(stored, 0, pointer), rows, ...part(stored, end, stored.shape[0])], 0);
  }
  const head = capacity - pointer; // rows that fit before the end; the rest wrap to slot 0
  const wrapped = count - head;
  return tf.concat([tf.slice(rows, [head], [wrapped]), ...part(stored, wrapped, pointer), tf.slice(rows, [0], [head])], 0);
}

export class MemoryQueue {
  readonly size: number;
  readonly keyDim: number;
  readonly teacherDim: number | undefined;
  private keyStore: tf.Tensor2D;
  private teacherStore: tf.Tensor2D | undefined;
  private labelStore: tf.Tensor1D | undefined;
  private pointer = 0;

  constructor(options: QueueOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new Error(`queue size must be an integer >= 1, got ${options.size}`);
    this.size = options.size;
    this.keyDim = options.keyDim;
    this.teacherDim = options.teacherDim;
    // tf.keep: the queue owns its stores even when created or updated inside a caller's tf.tidy.
    this.keyStore = tf.keep(tf.zeros([0, options.keyDim]) as tf.Tensor2D);
    this.teacherStore = options.teacherDim === undefined ? undefined : tf.keep(tf.zeros([0, options.teacherDim]) as tf.Tensor2D);
    this.labelStore = options.labels ? tf.keep(tf.zeros([0], 'int32') as tf.Tensor1D) : undefined;
  }

  /** Filled slots (K once full). */
  get count(): number {
    return this.keyStore.shape[0];
  }

  /** The filled key slots, count x keyDim. Owned by the queue: valid until the next enqueue. */
  get keys(): tf.Tensor2D {
    return this.keyStore;
  }

  /** The teacher embeddings of the filled slots, aligned with `keys`. */
  get teacher(): tf.Tensor2D {
    if (this.teacherStore === undefined) throw new Error('this queue keeps no teacher embeddings (teacherDim not set)');
    return this.teacherStore;
  }

  /** The relation labels of the filled slots (int32, -1 where none was mined). */
  get labels(): tf.Tensor1D {
    if (this.labelStore === undefined) throw new Error('this queue keeps no relation labels (labels not enabled)');
    return this.labelStore;
  }

  get hasLabels(): boolean {
    return this.labelStore !== undefined;
  }

  /** Adds a batch after the loss was computed; with more rows than slots only the newest K are kept. */
  enqueue(entry: QueueEntry): void {
    const batch = entry.keys.shape[0];
    expectMatrix('queued keys', entry.keys, this.keyDim);
    if (this.teacherStore !== undefined) {
      if (entry.teacher === undefined) throw new Error('this queue keeps teacher embeddings: enqueue needs `teacher`');
      expectMatrix('queued teacher embeddings', entry.teacher, this.teacherDim, batch);
    }
    if (entry.labels !== undefined && entry.labels.shape[0] !== batch) {
      throw new Error(`queued labels must have ${batch} entries, got ${entry.labels.shape[0]}`);
    }
    if (batch === 0) return;
    const skip = Math.max(0, batch - this.size);
    const written = batch - skip;
    const next = tf.tidy(() => {
      const newest = (x: tf.Tensor): tf.Tensor => (skip > 0 ? tf.slice(x, [skip], [written]) : x);
      return {
        keys: writeRing(this.keyStore, newest(entry.keys), this.pointer, this.size) as tf.Tensor2D,
        teacher: this.teacherStore && (writeRing(this.teacherStore, newest(entry.teacher!), this.pointer, this.size) as tf.Tensor2D),
        labels:
          this.labelStore &&
          (writeRing(
            this.labelStore,
            newest(entry.labels ? tf.cast(entry.labels, 'int32') : tf.fill([batch], UNLABELLED, 'int32')),
            this.pointer,
            this.size,
          ) as tf.Tensor1D),
      };
    });
    this.replaceStores(next.keys, next.teacher, next.labels);
    this.pointer = (this.pointer + written) % this.size;
  }

  /** Replaces every slot's label at once (the prototype miner labels the queue when it seeds). */
  relabel(labels: tf.Tensor1D): void {
    if (this.labelStore === undefined) throw new Error('this queue keeps no relation labels (labels not enabled)');
    if (labels.shape[0] !== this.count) throw new Error(`relabel needs ${this.count} labels, got ${labels.shape[0]}`);
    this.labelStore.dispose();
    this.labelStore = tf.keep(tf.cast(labels, 'int32')); // a new tensor even when already int32
  }

  /** Named tensors (copies the caller disposes) and the ring position, for checkpoints. */
  exportState(): SavedState {
    const tensors: Record<string, tf.Tensor> = { keys: tf.clone(this.keyStore) };
    if (this.teacherStore) tensors.teacher = tf.clone(this.teacherStore);
    if (this.labelStore) tensors.labels = tf.clone(this.labelStore);
    return { tensors, json: { size: this.size, pointer: this.pointer } };
  }

  restoreState(state: SavedState): void {
    const owner = 'memory queue';
    if (savedCount(state, owner, 'size') !== this.size) {
      throw new Error(`memory queue state has size ${String(state.json.size)}, this queue has ${this.size} slots`);
    }
    const pointer = savedCount(state, owner, 'pointer');
    const keys = savedTensor(state, owner, 'keys', [-1, this.keyDim]);
    const count = keys.shape[0];
    if (count > this.size || pointer >= this.size || (count < this.size && pointer !== count)) {
      throw new Error(`memory queue state is inconsistent: ${count} filled slots, pointer ${pointer}, size ${this.size}`);
    }
    const teacher = this.teacherStore && savedTensor(state, owner, 'teacher', [count, this.teacherDim!]);
    const labels = this.labelStore && savedTensor(state, owner, 'labels', [count]);
    this.replaceStores(
      tf.clone(keys) as tf.Tensor2D,
      teacher && (tf.clone(teacher) as tf.Tensor2D),
      labels && (tf.cast(labels, 'int32') as tf.Tensor1D),
    );
    this.pointer = pointer;
  }

  dispose(): void {
    this.keyStore.dispose();
    this.teacherStore?.dispose();
    this.labelStore?.dispose();
  }

  private replaceStores(keys: tf.Tensor2D, teacher: tf.Tensor2D | undefined, labels: tf.Tensor1D | undefined): void {
    this.keyStore.dispose();
    this.teacherStore?.dispose();
    this.labelStore?.dispose();
    this.keyStore = tf.keep(keys);
    this.teacherStore = teacher && tf.keep(teacher);
    this.labelStore = labels && tf.keep(labels);
  }
}
