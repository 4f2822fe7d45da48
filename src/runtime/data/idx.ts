/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian header (magic 0x0000 08 NN: unsigned
 * bytes, NN dimensions; then NN uint32 sizes) and the bytes themselves. Images are 0x00000803
 * (count, rows, columns), labels 0x00000801 (count). Files may be gzip-compressed (`.gz`).
 * Byte offsets in messages count in the uncompressed bytes.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DataError } from './dataset.ts';

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  rows: number;
  columns: number;
  /** count x rows x columns bytes (a view of the file's bytes). */
  pixels: Uint8Array;
}

/** The file's bytes, decompressed when its name ends in `.gz`. */
export function readIdxFile(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new DataError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (!file.endsWith('.gz')) return bytes;
  try {
    return zlib.gunzipSync(bytes);
  } catch (error) {
    throw new DataError(`${file} is not a complete gzip file (${(error as Error).message}); delete it or replace it`);
  }
}

/** Images of `side` x `side` pixels; `file` names the source in messages. */
export function parseIdxImages(bytes: Uint8Array, file: string, side: number): IdxImages {
  const [count, rows, columns] = header(bytes, file, IMAGES_MAGIC, 3, 'unsigned-byte images, 3 dimensions');
  if (rows !== side || columns !== side) {
    throw new DataError(`${file}: images of ${rows}x${columns} pixels (header bytes 8-15), expected ${side}x${side}`);
  }
  const start = 16;
  const perImage = rows * columns;
  exactLength(bytes, file, start, count, perImage, 'image');
  return { count, rows, columns, pixels: bytes.subarray(start, start + count * perImage) };
}

/** Labels, each checked to be a class index below `classes`. */
export function parseIdxLabels(bytes: Uint8Array, file: string, classes: number): Int32Array {
  const [count] = header(bytes, file, LABELS_MAGIC, 1, 'unsigned-byte labels, 1 dimension');
  const start = 8;
  exactLength(bytes, file, start, count, 1, 'label');
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = bytes[start + i];
    if (label >= classes) {
      throw new DataError(`${file}: label ${label} at byte offset ${start + i} (item ${i}), expected 0..${classes - 1}`);
    }
    labels[i] = label;
  }
  return labels;
}

/** The sizes the header declares, after checking its length and magic number. */
function header(bytes: Uint8Array, file: string, magic: number, dimensions: number, what: string): number[] {
  const length = 4 + 4 * dimensions;
  const truncated = () => new DataError(`${file} is truncated: its ${bytes.length} bytes end inside the ${length}-byte IDX header`);
  if (bytes.length < 4) throw truncated();
  const view = new DataView(bytes.buffer, bytes.byteOffset, Math.min(length, bytes.length));
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new DataError(`${file}: magic number ${hex(found)} at byte offset 0, expected ${hex(magic)} (IDX ${what})`);
  }
  if (bytes.length < length) throw truncated();
  return Array.from({ length: dimensions }, (_, k) => view.getUint32(4 + 4 * k));
}

/** Checks that `count` items of `size` bytes after the header are exactly what the file holds. */
function exactLength(bytes: Uint8Array, file: string, start: number, count: number, size: number, item: string): void {
  const expected = start + count * size;
  if (bytes.length < expected) {
    const complete = Math.floor((bytes.length - start) / size);
    throw new DataError(
      `${file} is truncated: the header declares ${count} ${item}s (${expected} bytes), the file has ${bytes.length} bytes; ` +
        `${item} ${complete} at byte offset ${start + complete * size} is incomplete`,
    );
  }
  if (bytes.length > expected) {
    throw new DataError(`${file}: ${bytes.length - expected} bytes after the last of the ${count} ${item}s its header declares (from byte offset ${expected})`);
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
