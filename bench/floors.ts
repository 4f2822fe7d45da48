/**
 * The raw-pixel floor on the whole of Fashion-MNIST, for each split found on this machine: the
 * linear probe and kNN of an evaluation with the default eval settings (linear 10 epochs, lr 0.1,
 * batch 256; kNN k = 20, temperature 0.07; seed 7), computed (not read from the floor cache) and
 * timed. It is the figure issue 13 asks the probe to reach (at least 82% linear) and the floor of
 * docs/results.md's tables. Alone: `npx tsx bench/floors.ts` (about 2 minutes a split on 2 cores).
 */
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../src/runtime/backend.ts';
import { loadDataset, type DataSpec } from '../src/runtime/data/load.ts';
import { pixelFloor } from '../src/runtime/train/floors.ts';

const settings = { linear: { epochs: 10, lr: 0.1, batchSize: 256, weightDecay: 0 }, knn: {}, seed: 7 };

await initBackend('auto'); // prints the backend line
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-floors-bench-'));
try {
  for (const split of ['official', 'package'] as const) {
    const spec = { kind: 'fashion_mnist', split, path: null, trainSize: 'all', testSize: 'all' } as DataSpec;
    const data = await loadDataset(spec, { seed: settings.seed }).catch((error: Error) => error);
    if (data instanceof Error) {
      console.log(`${split}: skipped (${data.message.split('\n')[0]})`);
      continue;
    }
    const start = performance.now();
    const { figures } = await pixelFloor(data, settings, { dir: cacheDir });
    const seconds = (performance.now() - start) / 1000;
    console.log(`${split} split (${data.train.count} / ${data.test.count}): raw pixels linear top-1 ` +
      `${(100 * figures.linear!.top1).toFixed(2)}%, kNN top-1 ${(100 * figures.knn!.top1).toFixed(2)}% (${seconds.toFixed(1)} s)`);
  }
} finally {
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
