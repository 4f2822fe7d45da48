/**
 * Checkpoints: one file of named tensors (weights, optimiser slots, momentum copies, queues,
 * prototype banks: whatever the caller passes) plus JSON metadata (RNG states, step, epoch...).
 *
 * A checkpoint is a safetensors file (safetensors.ts), so PyTorch, numpy and other tools open it.
 * Its `__metadata__` holds each top-level key of rekd's metadata JSON-encoded (`"step": "12"`), the
 * format `"rekd.format": "rekd checkpoint 3"` and `"rekd.sha256"`: the SHA-256 of the whole file as
 * written with 64 zeros in that value's place. Written atomically (temp file, verified, then
 * renamed) so a crash never leaves a torn file; the checksum catches what changes it later (a
 * flipped bit, an edited header). Files of the first format (REKDCKPT) are still read
 * (checkpoint-legacy.ts), and so are safetensors files written elsewhere (no checksum then; their
 * metadata is their `__metadata__` as it is).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { isLegacyCheckpoint, parseLegacyCheckpoint } from './checkpoint-legacy.ts';
import { writeFileAtomic, type AtomicWriteOptions } from './run/atomic.ts';
import { encodeSafetensors, NOT_A_CHECKPOINT, parseSafetensors, type TensorSpan, type TensorToWrite } from './safetensors.ts';
import { UserError } from './user-problems.ts';

export const CHECKPOINT_FORMAT = 'rekd checkpoint 3';
const formatKey = 'rekd.format';
const checksumKey = 'rekd.sha256';
const checksumPlaceholder = '0'.repeat(64);

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

/** Who wrote a file: rekd (either format), or another tool (a safetensors file without rekd's metadata). */
export type CheckpointOrigin = 'rekd' | 'elsewhere';

export interface Checkpoint<M = unknown> {
  tensors: Record<string, tf.Tensor>;
  metadata: M;
  origin: CheckpointOrigin;
}

/** Tensors of `variables` renamed `<prefix>/<name>`, to combine several models in one file or one map. */
export function withPrefix<T extends tf.Tensor>(prefix: string, variables: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, tensor] of variables) out[`${prefix}/${name}`] = tensor;
  return out;
}

/**
 * Writes the checkpoint; `metadata` is a JSON object (each key becomes one `__metadata__` entry);
 * `options.previous` keeps the file it replaces under that name.
 */
export async function saveCheckpoint(
  file: string, tensors: Record<string, tf.Tensor>, metadata: object = {}, options: AtomicWriteOptions = {},
): Promise<void> {
  const stored: TensorToWrite[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new CheckpointError(`checkpoint ${file}: tensor '${name}' has dtype ${tensor.dtype}; only float32 and int32 are stored`);
    }
    const values = (await tensor.data()) as Float32Array | Int32Array;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    stored.push({ name, dtype: tensor.dtype === 'int32' ? 'I32' : 'F32', shape: tensor.shape, bytes });
  }
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata as Record<string, unknown>)) {
    if (key.startsWith('rekd.')) throw new Error(`checkpoint metadata key '${key}': keys starting 'rekd.' are the format's own`);
    entries[key] = JSON.stringify(value);
  }
  entries[formatKey] = CHECKPOINT_FORMAT;
  entries[checksumKey] = checksumPlaceholder;
  const [header, ...data] = encodeSafetensors(stored, entries);
  const bytes = Buffer.concat([header, ...data]);
  const digest = createHash('sha256').update(bytes).digest('hex');
  bytes.write(digest, checksumSpan(bytes, 0, header.byteLength)!, 'latin1');
  writeFileAtomic(file, bytes, options);
}

/** Where the checksum's 64 hex digits are in the header `data[begin, end)` (undefined: not once). */
function checksumSpan(data: Buffer, begin: number, end: number): number | undefined {
  const key = Buffer.from(`"${checksumKey}":"`, 'latin1');
  const at = data.subarray(begin, end).indexOf(key);
  if (at < 0 || data.subarray(begin + at + 1, end).indexOf(key) >= 0) return undefined;
  return begin + at + key.length;
}

/** A checkpoint file read and verified: its bytes, metadata and where each tensor lies. */
interface VerifiedFile {
  data: Buffer;
  metadata: unknown;
  tensors: TensorSpan[];
  origin: CheckpointOrigin;
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
  const fail = (problem: string) => new CheckpointError(`checkpoint ${file} ${problem}`);
  if (isLegacyCheckpoint(data)) {
    const legacy = parseLegacyCheckpoint(data);
    if ('problem' in legacy) throw fail(legacy.problem);
    return { data, ...legacy, origin: 'rekd' };
  }
  const parsed = parseSafetensors(data);
  if ('problem' in parsed) throw parsed.problem === NOT_A_CHECKPOINT ? new CheckpointError(`${file} ${NOT_A_CHECKPOINT}`) : fail(parsed.problem);
  if (parsed.metadata[formatKey] === undefined && parsed.metadata[checksumKey] === undefined) {
    return { data, metadata: parsed.metadata, tensors: parsed.tensors, origin: 'elsewhere' };
  }
  // The checksum first: a byte flipped anywhere, the format name included, is damage on disk.
  const at = checksumSpan(data, parsed.headerBegin, parsed.headerEnd);
  if (at === undefined) throw fail('has a damaged header (no single checksum)');
  const stored = data.toString('latin1', at, at + checksumPlaceholder.length);
  const hash = createHash('sha256')
    .update(data.subarray(0, at)).update(checksumPlaceholder, 'latin1').update(data.subarray(at + checksumPlaceholder.length));
  if (hash.digest('hex') !== stored) throw fail('fails its checksum (changed on disk after it was written)');
  if (parsed.metadata[formatKey] !== CHECKPOINT_FORMAT) {
    throw fail(`has format '${parsed.metadata[formatKey]}'; this runtime reads '${CHECKPOINT_FORMAT}' (and REKDCKPT files)`);
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.metadata)) {
    if (key.startsWith('rekd.')) continue;
    try {
      metadata[key] = JSON.parse(value);
    } catch {
      throw fail(`has a damaged header (metadata '${key}' is not JSON)`);
    }
  }
  return { data, metadata, tensors: parsed.tensors, origin: 'rekd' };
}

/** The metadata of a verified checkpoint, without creating its tensors. */
export function checkpointMetadata<M = unknown>(file: string): M {
  return readVerified(file).metadata as M;
}

/** The values of one stored tensor: float32 or int32 as stored, wider ones (from other tools) narrowed. */
function tensorOf(data: Buffer, span: TensorSpan, file: string): tf.Tensor {
  // A copy: aligned for the typed array, and not holding the whole file.
  const raw = data.buffer.slice(data.byteOffset + span.begin, data.byteOffset + span.end);
  switch (span.dtype) {
    case 'F32': return tf.tensor(new Float32Array(raw), span.shape, 'float32');
    case 'I32': return tf.tensor(new Int32Array(raw), span.shape, 'int32');
    case 'F64': return tf.tensor(Float32Array.from(new Float64Array(raw)), span.shape, 'float32');
    case 'I64': {
      const wide = new BigInt64Array(raw);
      if (wide.some((value) => value > 2147483647n || value < -2147483648n)) {
        throw new CheckpointError(`checkpoint ${file}: tensor '${span.name}' (I64) holds values beyond int32`);
      }
      return tf.tensor(Int32Array.from(wide, Number), span.shape, 'int32');
    }
  }
}

export function loadCheckpoint<M = unknown>(file: string): Checkpoint<M> {
  const { data, metadata, tensors: spans, origin } = readVerified(file);
  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const span of spans) tensors[span.name] = tensorOf(data, span, file);
  } catch (error) {
    tf.dispose(Object.values(tensors));
    throw error;
  }
  return { tensors, metadata: metadata as M, origin };
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
