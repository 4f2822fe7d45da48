/**
 * Checkpoints: one file of named tensors (weights, optimiser slots, momentum copies, queues,
 * prototype banks: whatever the caller passes) plus JSON metadata (RNG states, step, epoch...).
 *
 * Layout: "REKDCKPT", uint32 format version, uint32 header length, the header JSON
 * { metadata, tensors: [{ name, dtype, shape, offset, bytes }] }, the raw little-endian tensor
 * data, then the SHA-256 of everything before it. Written atomically (temp file, verified, then
 * renamed) so a crash never leaves a torn file; the checksum catches what changes it later (a
 * flipped bit, an edited header, a truncated copy). Version 1 files (no checksum) are still read.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic, type AtomicWriteOptions } from './run/atomic.ts';
import { UserError } from './user-problems.ts';

const magic = Buffer.from('REKDCKPT', 'ascii');
const formatVersion = 2;
/** The last format without a checksum. */
const uncheckedVersion = 1;
const prefixBytes = magic.length + 8;
const checksumBytes = 32;

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

/** A checkpoint that cannot be read or does not fit (a user problem: printed without a stack trace). */
export class CheckpointError extends UserError {
  override name = 'CheckpointError';
}

/** Mismatches listed in a message before the rest are only counted. */
const listedProblems = 8;

/** Variables and a checkpoint's tensors that do not match, each problem naming its tensor. */
export class CheckpointMismatchError extends CheckpointError {
  override name = 'CheckpointMismatchError';
  constructor(readonly prefix: string, readonly problems: string[]) {
    super(`checkpoint does not match (${prefix}): ${listProblems(problems)}`);
  }
}

/** The first problems, `; `-separated, and how many more there are. */
export function listProblems(problems: readonly string[]): string {
  const more = problems.length - listedProblems;
  return problems.slice(0, listedProblems).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

export interface Checkpoint<M = unknown> {
  tensors: Record<string, tf.Tensor>;
  metadata: M;
}

/** Tensors of `variables` renamed `<prefix>/<name>`, to combine several models in one file or one map. */
export function withPrefix<T extends tf.Tensor>(prefix: string, variables: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, tensor] of variables) out[`${prefix}/${name}`] = tensor;
  return out;
}

/** Writes the checkpoint; `options.previous` keeps the file it replaces under that name. */
export async function saveCheckpoint(
  file: string, tensors: Record<string, tf.Tensor>, metadata: unknown = {}, options: AtomicWriteOptions = {},
): Promise<void> {
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
  const body = [prefix, header, ...chunks];
  const checksum = body.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
  writeFileAtomic(file, Buffer.concat([...body, checksum]), options);
}

/** A checkpoint file read and verified: its header and where its tensor data starts. */
interface VerifiedFile {
  data: Buffer;
  header: Header;
  dataStart: number;
}

/** Reads `file` and checks it whole (structure, size, checksum), naming the file and what is wrong. */
function readVerified(file: string): VerifiedFile {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CheckpointError(`cannot read checkpoint ${file}: ${missing ? 'no such file' : (error as Error).message}`);
  }
  if (data.length < prefixBytes || !data.subarray(0, magic.length).equals(magic)) {
    throw new CheckpointError(`${file} is not a rekd checkpoint`);
  }
  const version = data.readUInt32LE(magic.length);
  if (version !== formatVersion && version !== uncheckedVersion) {
    throw new CheckpointError(`checkpoint ${file} has format version ${version}; this runtime reads versions ${uncheckedVersion} and ${formatVersion}`);
  }
  const dataStart = prefixBytes + data.readUInt32LE(magic.length + 4);
  if (dataStart > data.length) throw new CheckpointError(`checkpoint ${file} is truncated (inside its header)`);
  let header: Header | undefined;
  try {
    header = JSON.parse(data.subarray(prefixBytes, dataStart).toString('utf8')) as Header;
  } catch {
    // Reported below with the other header damage.
  }
  if (!Array.isArray(header?.tensors)) throw new CheckpointError(`checkpoint ${file} has a damaged header`);
  const dataBytes = Math.max(0, ...header.tensors.map((entry) => entry.offset + entry.bytes));
  const expected = dataStart + dataBytes + (version === formatVersion ? checksumBytes : 0);
  if (data.length < expected) throw new CheckpointError(`checkpoint ${file} is truncated (${data.length} of ${expected} bytes)`);
  if (data.length > expected) throw new CheckpointError(`checkpoint ${file} has ${data.length - expected} bytes more than its header describes`);
  if (version === formatVersion) {
    const stored = data.subarray(expected - checksumBytes);
    if (!createHash('sha256').update(data.subarray(0, expected - checksumBytes)).digest().equals(stored)) {
      throw new CheckpointError(`checkpoint ${file} fails its checksum (changed on disk after it was written)`);
    }
  }
  return { data, header, dataStart };
}

/** The metadata of a verified checkpoint, without creating its tensors. */
export function checkpointMetadata<M = unknown>(file: string): M {
  return readVerified(file).header.metadata as M;
}

export function loadCheckpoint<M = unknown>(file: string): Checkpoint<M> {
  const { data, header, dataStart } = readVerified(file);
  const tensors: Record<string, tf.Tensor> = {};
  for (const entry of header.tensors) {
    const start = data.byteOffset + dataStart + entry.offset;
    const raw = data.buffer.slice(start, start + entry.bytes);
    const values = entry.dtype === 'int32' ? new Int32Array(raw) : new Float32Array(raw);
    tensors[entry.name] = tf.tensor(values, entry.shape, entry.dtype);
  }
  return { tensors, metadata: header.metadata as M };
}

/**
 * Assigns `<prefix>/<name>` from the checkpoint to each variable `<name>`. Every mismatch is
 * reported at once by name (a CheckpointMismatchError): variables missing from the checkpoint,
 * shape differences, and checkpoint entries under the prefix that no variable takes.
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
  if (problems.length > 0) throw new CheckpointMismatchError(prefix, problems);
  for (const [name, variable] of variables) variable.assign(tensors[`${prefix}/${name}`]);
}
