/** Deterministic train/test splits and stratified, seeded subsets. */
import type { Rng } from '../random.ts';
import { DataError, selectImages, type Split } from './dataset.ts';

export interface TailSplit {
  train: Split;
  test: Split;
  /** Train images dropped because they equal a test image byte for byte. */
  duplicatesRemoved: number;
}

/**
 * METHOD.md's split: for every class (images in source order), the last `testCount(n)` images
 * are test, the rest train; a train image identical to any test image is dropped so that no test
 * image is seen in training.
 */
export function splitTailPerClass(
  perClass: Uint8Array[],
  bytesPerImage: number,
  testCount: (classSize: number) => number,
): TailSplit {
  const testKeys = new Set<string>();
  const trainParts: { images: Uint8Array; label: number; count: number }[] = [];
  const testParts: typeof trainParts = [];
  perClass.forEach((images, label) => {
    const count = images.length / bytesPerImage;
    const firstTest = count - testCount(count);
    for (let i = firstTest; i < count; i++) testKeys.add(imageKey(images, i, bytesPerImage));
    trainParts.push({ images: images.subarray(0, firstTest * bytesPerImage), label, count: firstTest });
    testParts.push({ images: images.subarray(firstTest * bytesPerImage), label, count: count - firstTest });
  });
  let duplicatesRemoved = 0;
  const keptTrain = trainParts.map((part) => {
    const kept: number[] = [];
    for (let i = 0; i < part.count; i++) {
      if (testKeys.has(imageKey(part.images, i, bytesPerImage))) duplicatesRemoved++;
      else kept.push(i);
    }
    return selectImages(labelledPart(part), kept, bytesPerImage);
  });
  return { train: concatSplits(keptTrain), test: concatSplits(testParts.map(labelledPart)), duplicatesRemoved };
}

function labelledPart(part: { images: Uint8Array; label: number; count: number }): Split {
  return { images: part.images, labels: new Int32Array(part.count).fill(part.label), count: part.count };
}

/** Exact image identity: the bytes themselves as a string key (no hash collisions to reason about). */
function imageKey(images: Uint8Array, index: number, bytesPerImage: number): string {
  return Buffer.from(images.buffer, images.byteOffset + index * bytesPerImage, bytesPerImage).toString('latin1');
}

export function concatSplits(parts: Split[]): Split {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(parts.reduce((n, p) => n + p.images.length, 0));
  const labels = new Int32Array(count);
  let imageOffset = 0;
  let labelOffset = 0;
  for (const part of parts) {
    images.set(part.images, imageOffset);
    labels.set(part.labels, labelOffset);
    imageOffset += part.images.length;
    labelOffset += part.count;
  }
  return { images, labels, count };
}

/**
 * `size` images drawn per class in proportion to the class sizes (largest remainders get the
 * leftover places, ties to the lower class), chosen at random within each class by `rng`, kept in
 * their original order.
 */
export function stratifiedSubset(split: Split, size: number, bytesPerImage: number, rng: Rng, what: string): Split {
  if (!Number.isInteger(size) || size < 1) throw new DataError(`${what} = ${size} must be a positive integer`);
  if (size > split.count) {
    throw new DataError(`${what} = ${size} is larger than the ${split.count} images available`);
  }
  if (size === split.count) return split;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i];
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label)!.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => (size * byClass.get(c)!.length) / split.count);
  const quota = exact.map(Math.floor);
  let left = size - quota.reduce((a, b) => a + b, 0);
  const byRemainder = classes.map((_, k) => k).sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b);
  for (const k of byRemainder) {
    if (left === 0) break;
    quota[k]++;
    left--;
  }
  const chosen: number[] = [];
  classes.forEach((c, k) => {
    const members = byClass.get(c)!.slice();
    rng.shuffle(members);
    chosen.push(...members.slice(0, quota[k]));
  });
  chosen.sort((a, b) => a - b);
  return selectImages(split, chosen, bytesPerImage);
}
