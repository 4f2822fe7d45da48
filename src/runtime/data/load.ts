/**
 * `data KIND { ... }`: the settings of every data kind (the resolved experiment's `data` object
 * with camelCase names, as every option of the runtime API) and the one entry point that loads them.
 */
import { Rng } from '../random.ts';
import { type Warn, warnToStderr } from '../user-problems.ts';
import { loadCifar10 } from './cifar10.ts';
import { DataError, fingerprintOf, imageBytes, type Dataset } from './dataset.ts';
import { resolveFashionSplit, type FashionSplitSetting } from './fashion-files.ts';
import { loadFashionOfficial } from './fashion-official.ts';
import { loadImageFolder } from './image-folder.ts';
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
  | ({ kind: 'fashion_mnist'; split?: FashionSplitSetting; path?: string | null } & Subsets)
  | ({ kind: 'mnist' } & Subsets)
  | ({ kind: 'cifar10'; path: string } & Subsets)
  | ({ kind: 'image_folder'; path: string; size?: number; testFraction?: number } & Subsets)
  | { kind: 'synthetic'; classes?: number; size?: number; channels?: number; count?: number; testCount?: number };

export type DataKind = DataSpec['kind'];

export interface LoadOptions {
  /** The experiment seed: picks the trainSize / testSize subsets. */
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
    case 'fashion_mnist': {
      const locations = { path: spec.path, cacheDir: options.cacheDir };
      const { split, note } = resolveFashionSplit(spec.split, locations);
      if (note) (options.warn ?? warnToStderr)(note);
      return split === 'official' ? loadFashionOfficial({ ...locations, warn: options.warn }) : loadPackaged('fashion_mnist', cache);
    }
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
  const subset = (split: Dataset['train'], size: SubsetSize, name: string) =>
    size === 'all' ? split : stratifiedSubset(split, size, perImage, rng.fork(`data.${name}`), `${full.name}: ${name}`);
  // The language's names: they name the random streams (so the subsets stay the same) and the errors.
  const train = subset(full.train, trainSize, 'train_size');
  const test = subset(full.test, testSize, 'test_size');
  return { ...full, train, test, fingerprint: fingerprintOf(full, train, test) };
}
