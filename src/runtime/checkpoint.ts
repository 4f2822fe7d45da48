/**
 * Checkpoints: one file of named tensors (weights, optimiser slots, momentum copies, queues,
 * prototype banks: whatever the caller passes) plus JSON metadata (RNG states, step, epoch...).
 *
 * Layout: "REKDCKPT", uint32 format version, uint32 header length, the header JSON
 * { metadata, tensors: [{ name, dtype, shape, offset, bytes }] }, then the raw little-endian
 * tensor data. Written atomically (temp file, fsync, rename) so a crash never leaves a torn file.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from './run/atomic.ts';

const magic = Buffer.from('REKDCKPT', 'ascii');
const formatVersion = 1;
const prefixBytes = magic.length + 8;

type StoredDtype = 'float32' | 'int32';

interface TensorEntry {
  name: string;
  dtype: StoredDtype;
  shape: number[];
  /** Byte offset inside the data section. */
  offset: number;
  bytes: number;
}

interface Header {
  metadata: unknown;
  tensors: TensorEntry[];
}

export class CheckpointError extends Error {}

export interface Checkpoint<M = unknown> {
  tensors: Record<string, tf.Tensor>;
  metadata: M;
}

/** Tensors of `variables` renamed `<prefix>/<name>`, to combine several models in one file. */
export function withPrefix(prefix: string, variables: Map<string, tf.Tensor>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of variables) out[`${prefix}/${name}`] = tensor;
  return out;
}

export async function saveCheckpoint(file: string, tensors: Record<string, tf.Tensor>, metadata: unknown = {}): Promise<void> {
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new CheckpointError(`checkpoint ${file}: tensor '${name}' has dtype ${tensor.dtype}; only float32 and int32 are stored`);
    }
    const values = (await tensor.data()) as Float32Array | Int32Array;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, dtype: tensor.dtype, shape: tensor.shape, offset, bytes: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header = Buffer.from(JSON.stringify({ metadata, tensors: entries } satisfies Header), 'utf8');
  const prefix = Buffer.alloc(prefixBytes);
  magic.copy(prefix, 0);
  prefix.writeUInt32LE(formatVersion, magic.length);
  prefix.writeUInt32LE(header.length, magic.length + 4);
  writeFileAtomic(file, Buffer.concat([prefix, header, ...chunks]));
}

export function loadCheckpoint<M = unknown>(file: string): Checkpoint<M> {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    throw new CheckpointError(`cannot read checkpoint ${file}: ${(error as Error).message}`);
  }
  if (data.length < prefixBytes || !data.subarray(0, magic.length).equals(magic)) {
    throw new CheckpointError(`${file} is not a rekd checkpoint`);
  }
  const version = data.readUInt32LE(magic.length);
  if (version !== formatVersion) {
    throw new CheckpointError(`checkpoint ${file} has format version ${version}; this runtime reads version ${formatVersion}`);
  }
  const headerEnd = prefixBytes + data.readUInt32LE(magic.length + 4);
  let header: Header;
  try {
    header = JSON.parse(data.subarray(prefixBytes, headerEnd).toString('utf8')) as Header;
  } catch {
    throw new CheckpointError(`checkpoint ${file} has a damaged header`);
  }
  const tensors: Record<string, tf.Tensor> = {};
  for (const entry of header.tensors) {
    const start = headerEnd + entry.offset;
    if (start + entry.bytes > data.length) {
      tf.dispose(Object.values(tensors));
      throw new CheckpointError(`checkpoint ${file} is truncated (tensor '${entry.name}' runs past the end of the file)`);
    }
    const raw = data.buffer.slice(data.byteOffset + start, data.byteOffset + start + entry.bytes);
    const values = entry.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw);
    tensors[entry.name] = tf.tensor(values, entry.shape, entry.dtype);
  }
  return { tensors, metadata: header.metadata as M };
}

/**
 * Assigns `<prefix>/<name>` from the checkpoint to each variable `<name>`. Every mismatch is
 * reported at once by name: variables missing from the checkpoint, shape differences, and
 * checkpoint entries under the prefix that no variable takes.
 */
export function restoreVariables(variables: Map<string, tf.Variable>, tensors: Record<string, tf.Tensor>, prefix: string): void {
  const problems: string[] = [];
  for (const [name, variable] of variables) {
    const stored = tensors[`${prefix}/${name}`];
    if (!stored) problems.push(`missing '${prefix}/${name}'`);
    else if (!tf.util.arraysEqual(stored.shape, variable.shape)) {
      problems.push(`'${prefix}/${name}' has shape [${stored.shape}], the model expects [${variable.shape}]`);
    }
  }
  for (const name of Object.keys(tensors)) {
    if (name.startsWith(`${prefix}/`) && !variables.has(name.slice(prefix.length + 1))) {
      problems.push(`unexpected '${name}' (no such variable in the model)`);
    }
  }
  if (problems.length > 0) throw new CheckpointError(`checkpoint does not match (${prefix}): ${problems.join('; ')}`);
  for (const [name, variable] of variables) variable.assign(tensors[`${prefix}/${name}`]);
}
