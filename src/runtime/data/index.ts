/** Public data API: data kinds, the batch loader and its tensors. */
export { DataError } from './dataset.ts';
export type { Dataset, Split } from './dataset.ts';
export { loadDataset } from './load.ts';
export type { DataKind, DataSpec, LoadOptions, SubsetSize } from './load.ts';
export { defaultCacheDir } from './cache.ts';
export type { Warn } from '../user-problems.ts';
export { BatchLoader, epochOrder } from './loader.ts';
export type { Batch, LoaderOptions, LoaderState } from './loader.ts';
export { batchToTensors } from './tensors.ts';
export type { BatchTensors } from './tensors.ts';
