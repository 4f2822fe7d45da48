/**
 * The binary dataset cache: one `<key>.bin` (magic, JSON header, raw arrays) and its `.sha256`
 * beside it, in `REKD_CACHE_DIR` or `~/.cache/rekd`. A file whose checksum does not match is
 * reported and rebuilt, never trusted.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../run/atomic.ts';
import { environmentProblem, type Warn, warnToStderr } from '../user-problems.ts';
import { DataError, type Dataset, type Split } from './dataset.ts';

const MAGIC = 'REKDDATA1\n';

export function defaultCacheDir(): string {
  return process.env.REKD_CACHE_DIR || path.join(os.homedir(), '.cache', 'rekd');
}

/** Everything but the arrays, plus the split sizes. */
type Header = Omit<Dataset, 'train' | 'test'> & { trainCount: number; testCount: number };

/** The dataset cached under `key`, or the result of `build` (then cached) if absent or corrupt. */
export async function cachedDataset(
  key: string,
  build: () => Dataset | Promise<Dataset>,
  options: { dir?: string; warn?: Warn } = {},
): Promise<Dataset> {
  const folder = cacheFolder(options.dir);
  const file = path.join(folder, `${key}.bin`);
  const cached = readCache(file, options.warn ?? warnToStderr);
  if (cached) return cached;
  // Checked before a build that can take minutes, not after it (the work would be lost).
  asCacheProblem(`cannot write in the dataset cache folder ${folder}`, () => fs.rmdirSync(fs.mkdtempSync(path.join(folder, '.writable-'))));
  const dataset = await build();
  asCacheProblem(`cannot write the dataset cache ${file}`, () => writeCache(file, dataset));
  return dataset;
}

/** `dir`, or the default cache folder, created when absent (a file in its place is named). */
function cacheFolder(dir: string | undefined): string {
  const folder = dir ?? defaultCacheDir();
  asCacheProblem(`cannot create the dataset cache folder ${folder}`, () => fs.mkdirSync(folder, { recursive: true }));
  return folder;
}

/** Runs `write`; a system error the environment caused becomes a DataError saying `action` failed. */
function asCacheProblem(action: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const problem = environmentProblem(error, { action, remedy: 'set REKD_CACHE_DIR to a folder you can write' });
    throw problem === undefined ? error : new DataError(problem);
  }
}

function readCache(file: string, warn: Warn): Dataset | null {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return null;
  if (stat.isDirectory()) throw new DataError(`dataset cache ${file} is a folder, not a file; remove it (the cache is rebuilt)`);
  const bytes = fs.readFileSync(file);
  const sumFile = `${file}.sha256`;
  const expected = fs.existsSync(sumFile) ? fs.readFileSync(sumFile, 'utf8').trim() : '(missing)';
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    warn(`dataset cache ${file} is corrupt (sha256 ${actual.slice(0, 12)}..., expected ${expected.slice(0, 12)}...); rebuilding it`);
    return null;
  }
  try {
    return decode(bytes);
  } catch (error) {
    warn(`dataset cache ${file} cannot be read (${(error as Error).message}); rebuilding it`);
    return null;
  }
}

function writeCache(file: string, dataset: Dataset): void {
  const bytes = encode(dataset);
  writeFileAtomic(file, bytes);
  writeFileAtomic(`${file}.sha256`, createHash('sha256').update(bytes).digest('hex') + '\n');
}

function encode(d: Dataset): Buffer {
  const { train, test, ...shape } = d;
  const header: Header = { ...shape, trainCount: train.count, testCount: test.count };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const labelBytes = (labels: Int32Array) => Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength);
  return Buffer.concat([
    Buffer.from(MAGIC, 'latin1'),
    length,
    json,
    train.images,
    labelBytes(train.labels),
    test.images,
    labelBytes(test.labels),
  ]);
}

function decode(bytes: Buffer): Dataset {
  if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a rekd dataset cache');
  const jsonLength = bytes.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  const header = JSON.parse(bytes.toString('utf8', offset, offset + jsonLength)) as Header;
  offset += jsonLength;
  const perImage = header.height * header.width * header.channels;
  const take = (count: number): Split => {
    const images = bytes.subarray(offset, offset + count * perImage);
    offset += count * perImage;
    // Copied so the int32 view is aligned whatever the header length.
    const labels = new Int32Array(new Uint8Array(bytes.subarray(offset, offset + count * 4)).buffer);
    offset += count * 4;
    return { images, labels, count };
  };
  const train = take(header.trainCount);
  const test = take(header.testCount);
  if (offset !== bytes.length) throw new Error(`size ${bytes.length} does not match the header (${offset})`);
  const { trainCount: _t, testCount: _s, ...shape } = header;
  return { ...shape, train, test };
}
