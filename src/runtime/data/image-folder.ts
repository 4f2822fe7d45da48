/**
 * image_folder: one sub-folder per class of PNG/JPEG files, decoded and resized (size x size,
 * stretched) by sharp, alpha flattened onto black. Grey when every decoded pixel has R = G = B,
 * else RGB. Per class (files sorted by name) the last `testFraction` of the files are test.
 * The decoded split is cached, keyed by the file list, sizes, mtimes and settings.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type sharpModule from 'sharp';
import type { Warn } from '../user-problems.ts';
import { cachedDataset } from './cache.ts';
import { DataError, fingerprintOf, type Dataset } from './dataset.ts';
import { splitTailPerClass } from './split.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const CACHE_FORMAT = 1;
const DECODE_AT_ONCE = 8;

export interface ImageFolderOptions {
  path: string;
  size?: number;
  testFraction?: number;
  cacheDir?: string;
  warn?: Warn;
}

interface ClassFiles {
  name: string;
  files: string[];
}

export async function loadImageFolder(options: ImageFolderOptions): Promise<Dataset> {
  const size = options.size ?? 32;
  const testFraction = options.testFraction ?? 0.2;
  if (!Number.isInteger(size) || size < 1) throw new DataError(`image_folder: size = ${size} must be a positive integer`);
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new DataError(`image_folder: test_fraction = ${testFraction} must be between 0 and 1 (exclusive)`);
  }
  const classes = listClasses(options.path);
  const key = cacheKey(classes, size, testFraction);
  return cachedDataset(`image_folder-${key}`, () => build(classes, size, testFraction), {
    dir: options.cacheDir,
    warn: options.warn,
  });
}

function listClasses(root: string): ClassFiles[] {
  if (!fs.existsSync(root)) throw new DataError(`image_folder: path '${root}' does not exist`);
  if (!fs.statSync(root).isDirectory()) throw new DataError(`image_folder: path '${root}' is not a directory`);
  const classes = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = path.join(root, name);
      const files = fs
        .readdirSync(dir)
        .filter((file) => IMAGE_EXTENSIONS.has(path.extname(file).toLowerCase()))
        .sort()
        .map((file) => path.join(dir, file));
      if (files.length === 0) throw new DataError(`image_folder: class folder '${dir}' has no .png, .jpg or .jpeg files`);
      return { name, files };
    });
  if (classes.length === 0) throw new DataError(`image_folder: '${root}' has no class sub-folders (one per class is expected)`);
  return classes;
}

function cacheKey(classes: ClassFiles[], size: number, testFraction: number): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: CACHE_FORMAT, size, testFraction }));
  for (const { files } of classes) {
    for (const file of files) {
      const stat = fs.statSync(file);
      hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

type Sharp = typeof sharpModule;

/**
 * sharp, loaded when an image folder is decoded: its native library (libvips) is large, and no
 * other data set needs it, so other runs never load it (test/package.test.ts).
 */
async function loadSharp(): Promise<Sharp> {
  try {
    return (await import('sharp')).default;
  } catch (error) {
    throw new DataError(`image_folder needs the sharp package to decode images, and it could not be loaded (${(error as Error).message.split('\n')[0]}); ` +
      'reinstall it with `npm install sharp`');
  }
}

async function build(classes: ClassFiles[], size: number, testFraction: number): Promise<Dataset> {
  const sharp = await loadSharp();
  const rgbPerClass: Uint8Array[] = [];
  for (const { files } of classes) {
    const images = new Uint8Array(files.length * size * size * 3);
    // A few decodes at a time keep sharp's thread pool busy without opening every file at once.
    for (let first = 0; first < files.length; first += DECODE_AT_ONCE) {
      const chunk = files.slice(first, first + DECODE_AT_ONCE);
      const decoded = await Promise.all(chunk.map((file) => decode(sharp, file, size)));
      decoded.forEach((pixels, k) => images.set(pixels, (first + k) * size * size * 3));
    }
    rgbPerClass.push(images);
  }
  const grey = rgbPerClass.every(isGrey);
  const perClass = grey ? rgbPerClass.map(firstChannel) : rgbPerClass;
  const channels = grey ? 1 : 3;
  const shape = { height: size, width: size, channels, classes: classes.length };
  const { train, test } = splitTailPerClass(perClass, size * size * channels, (n) => Math.round(n * testFraction));
  const classNames = classes.map((c) => c.name);
  return { name: 'image_folder', ...shape, classNames, train, test, fingerprint: fingerprintOf(shape, train, test) };
}

async function decode(sharp: Sharp, file: string, size: number): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(file)
      .flatten({ background: '#000000' })
      .resize(size, size, { fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return data;
  } catch (error) {
    throw new DataError(`image_folder: cannot decode ${file}: ${(error as Error).message}`);
  }
}

function isGrey(rgb: Uint8Array): boolean {
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] !== rgb[i + 1] || rgb[i] !== rgb[i + 2]) return false;
  return true;
}

function firstChannel(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = rgb[3 * i];
  return out;
}
