/**
 * Reading checkpoints of rekd's first format (REKDCKPT, written until checkpoints became
 * safetensors): "REKDCKPT", uint32 format version, uint32 header length, the header JSON
 * { metadata, tensors: [{ name, dtype, shape, offset, bytes }] }, the raw little-endian tensor
 * data, then (version 2) the SHA-256 of everything before it. Version 1 has no checksum.
 */
import { createHash } from 'node:crypto';
import type { TensorSpan } from './safetensors.ts';

const magic = Buffer.from('REKDCKPT', 'ascii');
const checkedVersion = 2;
const uncheckedVersion = 1;
const prefixBytes = magic.length + 8;
const checksumBytes = 32;

interface LegacyEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  /** Byte offset inside the data section. */
  offset: number;
  bytes: number;
}

export function isLegacyCheckpoint(data: Buffer): boolean {
  return data.length >= magic.length && data.subarray(0, magic.length).equals(magic);
}

/** Metadata and tensor spans of a REKDCKPT file, checked whole; a problem is one phrase about the file. */
export function parseLegacyCheckpoint(data: Buffer): { metadata: unknown; tensors: TensorSpan[] } | { problem: string } {
  if (data.length < prefixBytes) return { problem: 'is truncated (inside its header)' };
  const version = data.readUInt32LE(magic.length);
  if (version !== checkedVersion && version !== uncheckedVersion) {
    return { problem: `has REKDCKPT format version ${version}; this runtime reads versions ${uncheckedVersion} and ${checkedVersion}` };
  }
  const dataStart = prefixBytes + data.readUInt32LE(magic.length + 4);
  if (dataStart > data.length) return { problem: 'is truncated (inside its header)' };
  let header: { metadata: unknown; tensors: LegacyEntry[] } | undefined;
  try {
    header = JSON.parse(data.subarray(prefixBytes, dataStart).toString('utf8'));
  } catch {
    // Reported below with the other header damage.
  }
  if (!Array.isArray(header?.tensors)) return { problem: 'has a damaged header' };
  const dataBytes = Math.max(0, ...header.tensors.map((entry) => entry.offset + entry.bytes));
  const expected = dataStart + dataBytes + (version === checkedVersion ? checksumBytes : 0);
  if (data.length < expected) return { problem: `is truncated (${data.length} of ${expected} bytes)` };
  if (data.length > expected) return { problem: `has ${data.length - expected} bytes more than its header describes` };
  if (version === checkedVersion) {
    const stored = data.subarray(expected - checksumBytes);
    if (!createHash('sha256').update(data.subarray(0, expected - checksumBytes)).digest().equals(stored)) {
      return { problem: 'fails its checksum (changed on disk after it was written)' };
    }
  }
  const tensors = header.tensors.map((entry): TensorSpan => ({
    name: entry.name,
    dtype: entry.dtype === 'int32' ? 'I32' : 'F32',
    shape: entry.shape,
    begin: dataStart + entry.offset,
    end: dataStart + entry.offset + entry.bytes,
  }));
  return { metadata: header.metadata, tensors };
}
