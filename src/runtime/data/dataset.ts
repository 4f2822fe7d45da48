/** What every data kind produces: uint8 NHWC images and int32 labels, per split. */
import { createHash } from 'node:crypto';
import { UserError } from '../user-problems.ts';

export interface Split {
  /** count x height x width x channels bytes, NHWC. */
  images: Uint8Array;
  labels: Int32Array;
  count: number;
}

export interface Dataset {
  /** The data kind, e.g. `fashion_mnist`. */
  name: string;
  train: Split;
  test: Split;
  height: number;
  width: number;
  channels: number;
  classes: number;
  classNames?: string[];
  /** sha256 (hex) of the shape and of both splits' images and labels. */
  fingerprint: string;
}

/** Bad or missing data. The message names the path, file, byte offset or image index. */
export class DataError extends UserError {
  override name = 'DataError';
}

export function fingerprintOf(
  shape: { height: number; width: number; channels: number; classes: number },
  train: Split,
  test: Split,
): string {
  const hash = createHash('sha256');
  hash.update(`${shape.height}x${shape.width}x${shape.channels}:${shape.classes}:${train.count}:${test.count}`);
  for (const split of [train, test]) {
    hash.update(split.images);
    hash.update(new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength));
  }
  return hash.digest('hex');
}

/** Bytes per image. */
export function imageBytes(shape: { height: number; width: number; channels: number }): number {
  return shape.height * shape.width * shape.channels;
}

/** The images and labels at `indices` (in that order). */
export function selectImages(split: Split, indices: ArrayLike<number>, bytesPerImage: number): Split {
  const images = new Uint8Array(indices.length * bytesPerImage);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * bytesPerImage;
    images.set(split.images.subarray(from, from + bytesPerImage), i * bytesPerImage);
    labels[i] = split.labels[indices[i]];
  }
  return { images, labels, count: indices.length };
}
