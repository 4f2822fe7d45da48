/** `data KIND { ... }`: the settings of every data kind and the one entry point that loads them. */
import { Rng } from '../random.ts';
import type { Warn } from './cache.ts';
import { loadCifar10 } from './cifar10.ts';
import { DataError, fingerprintOf, imageBytes, type Dataset } from './dataset.ts';
import { loadImageFolder } from './image_folder.ts';
import { loadPackaged } from './packaged.ts';
import { stratifiedSubset } from './split.ts';
import { makeSynthetic } from './synthetic.ts';

/** A subset size; `all` (or absent) keeps the whole split. */
export type SubsetSize = number | 'all';

interface Subsets {
  trainSize?: SubsetSize;
  testSize?: SubsetSize;
}

export type DataSpec =
  | ({ kind: 'fashion_mnist' } & Subsets)
  | ({ kind: 'mnist' } & Subsets)
  | ({ kind: 'cifar10'; path: string } & Subsets)
  | ({ kind: 'image_folder'; path: string; size?: number; testFraction?: number } & Subsets)
  | { kind: 'synthetic'; classes?: number; size?: number; channels?: number; count?: number; testCount?: number };

export type DataKind = DataSpec['kind'];

export interface LoadOptions {
  /** The experiment seed: picks the train_size / test_size subsets. */
  seed?: number;
  /** Where converted data sets are cached (default REKD_CACHE_DIR or ~/.cache/rekd). */
  cacheDir?: string;
  warn?: Warn;
}

export async function loadDataset(spec: DataSpec, options: LoadOptions = {}): Promise<Dataset> {
  const full = await loadFull(spec, options);
  return spec.kind === 'synthetic' ? full : takeSubsets(full, spec, options.seed ?? 0);
}

function loadFull(spec: DataSpec, options: LoadOptions): Promise<Dataset> | Dataset {
  const cache = { cacheDir: options.cacheDir, warn: options.warn };
  switch (spec.kind) {
    case 'fashion_mnist':
    case 'mnist':
      return loadPackaged(spec.kind, cache);
    case 'cifar10':
      return loadCifar10(spec.path);
    case 'image_folder':
      return loadImageFolder({ path: spec.path, size: spec.size, testFraction: spec.testFraction, ...cache });
    case 'synthetic':
      return makeSynthetic(spec);
    default:
      throw new DataError(`unknown data kind '${(spec as { kind: string }).kind}'`);
  }
}

function takeSubsets(full: Dataset, sizes: Subsets, seed: number): Dataset {
  const trainSize = sizes.trainSize ?? 'all';
  const testSize = sizes.testSize ?? 'all';
  if (trainSize === 'all' && testSize === 'all') return full;
  const rng = new Rng(seed);
  const perImage = imageBytes(full);
  const train = trainSize === 'all' ? full.train : stratifiedSubset(full.train, trainSize, perImage, rng.fork('data.train_size'), `${full.name}: train_size`);
  const test = testSize === 'all' ? full.test : stratifiedSubset(full.test, testSize, perImage, rng.fork('data.test_size'), `${full.name}: test_size`);
  return { ...full, train, test, fingerprint: fingerprintOf(full, train, test) };
}
