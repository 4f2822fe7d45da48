/**
 * The safetensors container (the format PyTorch, numpy, Hugging Face tools and Netron read): an
 * unsigned 64-bit little-endian header length, a JSON header `{ "__metadata__": { string: string },
 * "<tensor>": { dtype, shape, data_offsets: [begin, end] } }` (padded with spaces to a multiple of 8
 * bytes, so the data that follows stays aligned), then the raw little-endian tensor data, each
 * tensor at its offsets, with no gaps and nothing after the last one.
 *
 * Only the container: what the metadata means (rekd's checkpoints, their checksum) is checkpoint.ts's.
 */

/** The dtypes rekd stores; a file from elsewhere may hold the others below. */
export type WrittenDtype = 'F32' | 'I32';
export type ReadDtype = WrittenDtype | 'F64' | 'I64';

export interface TensorToWrite {
  name: string;
  dtype: WrittenDtype;
  shape: readonly number[];
  bytes: Uint8Array;
}

/** A tensor of a read file: where its bytes are in the file. */
export interface TensorSpan {
  name: string;
  dtype: ReadDtype;
  shape: number[];
  /** Byte offsets in the whole file. */
  begin: number;
  end: number;
}

export interface ParsedFile {
  metadata: Record<string, string>;
  tensors: TensorSpan[];
  /** Where the header JSON lies in the file (the checksum of a rekd checkpoint is found there). */
  headerBegin: number;
  headerEnd: number;
}

const lengthBytes = 8;
const alignment = 8;
const bytesPerElement: Record<ReadDtype, number> = { F32: 4, I32: 4, F64: 8, I64: 8 };
/** Headers above this size are damage, not data (the format's readers refuse 100 MB). */
const largestHeader = 100_000_000;

/** The header's bytes (length prefix included) and the data's chunks, in file order. */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string>): Uint8Array[] {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__') throw new Error("safetensors: no tensor may be named '__metadata__'");
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.bytes.byteLength] };
    offset += tensor.bytes.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Buffer.alloc(Math.ceil((lengthBytes + json.length) / alignment) * alignment, ' ');
  padded.writeBigUInt64LE(BigInt(padded.length - lengthBytes), 0);
  json.copy(padded, lengthBytes);
  return [padded, ...tensors.map((tensor) => tensor.bytes)];
}

/**
 * The structure of `data`, checked whole: header length, JSON, dtypes, shapes that match their
 * byte ranges, ranges that tile the data exactly. Problems are returned as one phrase (`undefined`
 * header: not safetensors at all) for the caller to put in its own message.
 */
/** The problem of a file that is neither safetensors nor REKDCKPT (the caller names the file first). */
export const NOT_A_CHECKPOINT = 'is not a rekd checkpoint (neither safetensors nor REKDCKPT)';

export function parseSafetensors(data: Uint8Array): ParsedFile | { problem: string } {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (view.length < lengthBytes + 2) return { problem: 'is too short to be a checkpoint' };
  const headerLength = view.readBigUInt64LE(0);
  if (view[lengthBytes] !== 0x7b /* { */ || headerLength > BigInt(largestHeader)) return { problem: NOT_A_CHECKPOINT };
  const headerEnd = lengthBytes + Number(headerLength);
  if (headerEnd > view.length) return { problem: 'is truncated (inside its header)' };
  let header: unknown;
  try {
    header = JSON.parse(view.subarray(lengthBytes, headerEnd).toString('utf8'));
  } catch {
    return { problem: 'has a damaged header (not JSON)' };
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return { problem: 'has a damaged header (not a JSON object)' };
  const { __metadata__: rawMetadata = {}, ...entries } = header as Record<string, unknown>;
  if (rawMetadata === null || typeof rawMetadata !== 'object' || Object.values(rawMetadata).some((value) => typeof value !== 'string')) {
    return { problem: 'has a damaged header (__metadata__ must map strings to strings)' };
  }
  const tensors: TensorSpan[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in bytesPerElement)) {
      return { problem: `holds tensor '${name}' of dtype ${String(dtype)}; rekd reads F32, F64, I32 and I64` };
    }
    const validShape = Array.isArray(shape) && shape.every((n) => Number.isSafeInteger(n) && n >= 0);
    const validOffsets = Array.isArray(offsets) && offsets.length === 2 && offsets.every((n) => Number.isSafeInteger(n) && n >= 0);
    if (!validShape || !validOffsets) return { problem: `has a damaged header (entry '${name}')` };
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((product, n) => product * n, 1);
    if (end - begin !== elements * bytesPerElement[dtype as ReadDtype]) {
      return { problem: `has a damaged header ('${name}' of shape [${String(shape)}] spans ${end - begin} bytes)` };
    }
    tensors.push({ name, dtype: dtype as ReadDtype, shape: shape as number[], begin: headerEnd + begin, end: headerEnd + end });
  }
  const ordered = [...tensors].sort((a, b) => a.begin - b.begin);
  let covered = headerEnd;
  for (const tensor of ordered) {
    if (tensor.begin !== covered) return { problem: `has a damaged header (the data of '${tensor.name}' does not follow the tensor before it)` };
    covered = tensor.end;
  }
  if (covered > view.length) return { problem: `is truncated (${view.length} of ${covered} bytes)` };
  if (covered < view.length) return { problem: `has ${view.length - covered} bytes more than its header describes` };
  return { metadata: rawMetadata as Record<string, string>, tensors, headerBegin: lengthBytes, headerEnd };
}
