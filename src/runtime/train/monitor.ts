import type { Dataset } from '../data/dataset.ts';
import type { Encoder } from '../nn/encoder.ts';
import type { KnnMonitorSettings } from './settings.ts';
export function knnMonitor(_e: Encoder, _d: Dataset, _s: KnnMonitorSettings): () => number {
  throw new Error('pending');
}
