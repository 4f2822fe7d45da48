/**
 * The FIFO memory queue of METHOD.md: K slots, each holding a momentum-student key, optionally the
 * teacher embedding of the same image, its mined relation label and its true class label (the last
 * only for measuring the miner against the classes, see diagnostics.ts; no loss reads it). While the
 * queue fills up only the filled slots are stored, so `keys`/`teacher`/`labels` never contain empty
 * slots and the losses need no mask; once full, new rows overwrite the oldest ones in place (a ring).
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
  /** Keep the true class label per slot (miner diagnostics). */
  classLabels?: boolean;
}

export interface QueueEntry {
  keys: tf.Tensor2D;
  teacher?: tf.Tensor2D;
  /** Missing labels are stored as -1, a label no query ever has. */
  labels?: tf.Tensor1D;
  /** True classes of the rows; missing ones are stored as -1 (unknown). */
  classLabels?: tf.Tensor1D;
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
  private classStore: tf.Tensor1D | undefined;
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
    this.classStore = options.classLabels ? tf.keep(tf.zeros([0], 'int32') as tf.Tensor1D) : undefined;
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

  /** The true classes of the filled slots (int32, -1 where unknown). */
  get classLabels(): tf.Tensor1D {
    if (this.classStore === undefined) throw new Error('this queue keeps no class labels (classLabels not enabled)');
    return this.classStore;
  }

  get hasClassLabels(): boolean {
    return this.classStore !== undefined;
  }

  /** Adds a batch after the loss was computed; with more rows than slots only the newest K are kept. */
  enqueue(entry: QueueEntry): void {
    const batch = entry.keys.shape[0];
    expectMatrix('queued keys', entry.keys, this.keyDim);
    if (this.teacherStore !== undefined) {
      if (entry.teacher === undefined) throw new Error('this queue keeps teacher embeddings: enqueue needs `teacher`');
      expectMatrix('queued teacher embeddings', entry.teacher, this.teacherDim, batch);
    }
    for (const [name, labels] of [['labels', entry.labels], ['class labels', entry.classLabels]] as const) {
      if (labels !== undefined && labels.shape[0] !== batch) throw new Error(`queued ${name} must have ${batch} entries, got ${labels.shape[0]}`);
    }
    if (batch === 0) return;
    const skip = Math.max(0, batch - this.size);
    const written = batch - skip;
    const next = tf.tidy(() => {
      const write = (stored: tf.Tensor, rows: tf.Tensor) =>
        writeRing(stored, skip > 0 ? tf.slice(rows, [skip], [written]) : rows, this.pointer, this.size);
      const intLabels = (stored: tf.Tensor1D, labels: tf.Tensor1D | undefined) =>
        write(stored, labels ? tf.cast(labels, 'int32') : tf.fill([batch], UNLABELLED, 'int32')) as tf.Tensor1D;
      return {
        keys: write(this.keyStore, entry.keys) as tf.Tensor2D,
        teacher: this.teacherStore && (write(this.teacherStore, entry.teacher!) as tf.Tensor2D),
        labels: this.labelStore && intLabels(this.labelStore, entry.labels),
        classLabels: this.classStore && intLabels(this.classStore, entry.classLabels),
      };
    });
    this.replaceStores(next);
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
    if (this.classStore) tensors.class_labels = tf.clone(this.classStore);
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
    const classLabels = this.classStore && savedTensor(state, owner, 'class_labels', [count]);
    this.replaceStores({
      keys: tf.clone(keys) as tf.Tensor2D,
      teacher: teacher && (tf.clone(teacher) as tf.Tensor2D),
      labels: labels && (tf.cast(labels, 'int32') as tf.Tensor1D),
      classLabels: classLabels && (tf.cast(classLabels, 'int32') as tf.Tensor1D),
    });
    this.pointer = pointer;
  }

  dispose(): void {
    this.keyStore.dispose();
    this.teacherStore?.dispose();
    this.labelStore?.dispose();
    this.classStore?.dispose();
  }

  private replaceStores(next: { keys: tf.Tensor2D; teacher?: tf.Tensor2D; labels?: tf.Tensor1D; classLabels?: tf.Tensor1D }): void {
    this.dispose();
    this.keyStore = tf.keep(next.keys);
    this.teacherStore = next.teacher && tf.keep(next.teacher);
    this.labelStore = next.labels && tf.keep(next.labels);
    this.classStore = next.classLabels && tf.keep(next.classLabels);
  }
}
