/**
 * Fashion-MNIST's official split (60,000 train, 10,000 test images in the published order) from
 * its IDX files: found locally (fashion-files.ts) or downloaded into the cache, every file checked
 * against its MD5, converted once into the binary cache.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Warn, warnToStderr } from '../user-problems.ts';
import { cachedDataset } from './cache.ts';
import { DataError, fingerprintOf, type Dataset, type Split } from './dataset.ts';
import { DownloadError, downloadVerified, type DownloadOptions } from './download.ts';
import {
  cacheFashionFolder, FASHION_CHECKSUMS, FASHION_FILES, findFashionFiles, searchedFolders,
  type FashionFile, type FashionLocations, type FileChecksums,
} from './fashion-files.ts';
import { parseIdxImages, parseIdxLabels, readIdxFile } from './idx.ts';
import { FASHION_CLASS_NAMES } from './packaged.ts';

const SIDE = 28;
const CACHE_FORMAT = 1;

/** Zalando's download location; REKD_FASHION_MNIST_URL replaces it (a mirror, or a test server). */
export const FASHION_DOWNLOAD_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

export interface OfficialOptions extends FashionLocations, DownloadOptions {
  warn?: Warn;
  /** Where the files are downloaded from (default REKD_FASHION_MNIST_URL, else Zalando's). */
  baseUrl?: string;
  /** The checksums the files must have (tests use their own files). */
  checksums?: Record<FashionFile, FileChecksums>;
}

export async function loadFashionOfficial(options: OfficialOptions = {}): Promise<Dataset> {
  if (options.path && !fs.statSync(options.path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DataError(`fashion_mnist: path '${options.path}' is not a folder (it should hold the official IDX files)`);
  }
  const checksums = options.checksums ?? FASHION_CHECKSUMS;
  // The files are verified to be the official ones, so where they were found does not change the key.
  const tableId = createHash('sha256').update(JSON.stringify(checksums)).digest('hex').slice(0, 12);
  return cachedDataset(`fashion_mnist-official-${tableId}-v${CACHE_FORMAT}`, async () => build(await officialFiles(options, checksums), checksums), {
    dir: options.cacheDir,
    warn: options.warn,
  });
}

/** The local files, else the files downloaded into the cache. */
async function officialFiles(options: OfficialOptions, checksums: Record<FashionFile, FileChecksums>): Promise<Record<FashionFile, string>> {
  const found = findFashionFiles(options);
  if (found) return found.files;
  const folder = cacheFashionFolder(options.cacheDir);
  const baseUrl = options.baseUrl ?? process.env.REKD_FASHION_MNIST_URL ?? FASHION_DOWNLOAD_URL;
  const files = {} as Record<FashionFile, string>;
  try {
    fs.mkdirSync(folder, { recursive: true });
    for (const name of FASHION_FILES) {
      const url = new URL(`${name}.gz`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
      files[name] = path.join(folder, `${name}.gz`);
      if (fs.existsSync(files[name])) continue;
      (options.warn ?? warnToStderr)(`fashion_mnist: downloading ${url} into ${folder}`);
      await downloadVerified(url, files[name], checksums[name].gz, options);
    }
  } catch (error) {
    if (!(error instanceof DownloadError)) throw error;
    const looked = searchedFolders(options).map((s) => `${s.folder} (${s.role})`).join(', ');
    throw new DataError(
      `fashion_mnist: split = official: the IDX files are not in ${looked}, and ${error.message}; ` +
        "install Debian's dataset-fashion-mnist, put the four files in one of those folders, or use split = package",
    );
  }
  return files;
}

function build(files: Record<FashionFile, string>, checksums: Record<FashionFile, FileChecksums>): Dataset {
  // Parsed before the checksum is compared: a damaged file is named with what is wrong in it.
  const verify = (name: FashionFile, bytes: Uint8Array) => {
    const actual = createHash('md5').update(bytes).digest('hex');
    if (actual !== checksums[name].raw) {
      throw new DataError(
        `checksum mismatch: ${files[name]} has MD5 ${actual} (uncompressed), expected ${checksums[name].raw}: ` +
          'it is not the official file; delete or replace it',
      );
    }
  };
  const split = (images: FashionFile, labels: FashionFile): Split => {
    const imageBytes = readIdxFile(files[images]);
    const labelBytes = readIdxFile(files[labels]);
    const parsed = parseIdxImages(imageBytes, files[images], SIDE);
    const classes = parseIdxLabels(labelBytes, files[labels], FASHION_CLASS_NAMES.length);
    verify(images, imageBytes);
    verify(labels, labelBytes);
    if (classes.length !== parsed.count) {
      throw new DataError(`${files[images]} holds ${parsed.count} images but ${files[labels]} holds ${classes.length} labels`);
    }
    return { images: parsed.pixels, labels: classes, count: parsed.count };
  };
  const train = split('train-images-idx3-ubyte', 'train-labels-idx1-ubyte');
  const test = split('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte');
  const shape = { height: SIDE, width: SIDE, channels: 1, classes: FASHION_CLASS_NAMES.length };
  return { name: 'fashion_mnist', ...shape, classNames: FASHION_CLASS_NAMES, train, test, fingerprint: fingerprintOf(shape, train, test) };
}
