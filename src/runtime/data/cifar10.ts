/**
 * CIFAR-10 in its binary format: records of 1 label byte + 3,072 pixel bytes (1,024 red, then
 * green, then blue, rows top to bottom) in data_batch_1..5.bin (train) and test_batch.bin.
 * Files may hold any whole number of records (tests write tiny ones).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError, fingerprintOf, type Dataset, type Split } from './dataset.ts';
import { concatSplits } from './split.ts';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = 'test_batch.bin';

export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

/** `dir` may be the batch folder itself or the folder the archive was unpacked in. */
export function loadCifar10(dir: string): Dataset {
  if (!fs.existsSync(dir)) throw new DataError(`cifar10: path '${dir}' does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new DataError(`cifar10: path '${dir}' is not a directory`);
  const nested = path.join(dir, 'cifar-10-batches-bin');
  const folder = !fs.existsSync(path.join(dir, TEST_FILE)) && fs.existsSync(nested) ? nested : dir;
  for (const name of [...TRAIN_FILES, TEST_FILE]) {
    if (!fs.existsSync(path.join(folder, name))) {
      throw new DataError(
        `cifar10: missing file ${path.join(folder, name)} (expected ${TRAIN_FILES.join(', ')} and ${TEST_FILE})`,
      );
    }
  }
  const train = concatSplits(TRAIN_FILES.map((name) => readBatch(path.join(folder, name))));
  const test = readBatch(path.join(folder, TEST_FILE));
  const shape = { height: SIDE, width: SIDE, channels: 3, classes: 10 };
  return { name: 'cifar10', ...shape, classNames: CIFAR10_CLASS_NAMES, train, test, fingerprint: fingerprintOf(shape, train, test) };
}

/** One batch file, converted from planar CHW to NHWC. */
export function readBatch(file: string): Split {
  const bytes = fs.readFileSync(file);
  if (bytes.length === 0) throw new DataError(`cifar10: ${file} is empty`);
  if (bytes.length % RECORD !== 0) {
    const whole = Math.floor(bytes.length / RECORD);
    throw new DataError(
      `cifar10: ${file} is truncated: record ${whole} at byte offset ${whole * RECORD} has ` +
        `${bytes.length - whole * RECORD} of its ${RECORD} bytes`,
    );
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const start = r * RECORD;
    const label = bytes[start];
    if (label > 9) {
      throw new DataError(`cifar10: ${file}: record ${r} (byte offset ${start}) has label ${label}, expected 0..9`);
    }
    labels[r] = label;
    const out = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[out + 3 * p] = bytes[start + 1 + p];
      images[out + 3 * p + 1] = bytes[start + 1 + PLANE + p];
      images[out + 3 * p + 2] = bytes[start + 1 + 2 * PLANE + p];
    }
  }
  return { images, labels, count };
}
