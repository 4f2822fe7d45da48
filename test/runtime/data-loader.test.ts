import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { AugmentOp } from '../../src/runtime/augment/pipeline.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { AugmentError } from '../../src/runtime/augment/pipeline.ts';
import { DataError } from '../../src/runtime/data/dataset.ts';
import { BatchLoader, type Batch, type LoaderOptions } from '../../src/runtime/data/loader.ts';
import { makeSynthetic } from '../../src/runtime/data/synthetic.ts';
import { batchToTensors } from '../../src/runtime/data/tensors.ts';

const data = makeSynthetic({ classes: 4, size: 10, channels: 3, count: 100, testCount: 8 });
const AUGMENT: AugmentOp[] = [
  { op: 'random_resized_crop', size: 8, scale: [0.3, 1] },
  { op: 'horizontal_flip' },
  { op: 'color_jitter' },
  { op: 'gaussian_blur' },
];
const WEAK: AugmentOp[] = [{ op: 'horizontal_flip' }];

function options(extra: Partial<LoaderOptions> = {}): LoaderOptions {
  return { split: data.train, shape: data, batchSize: 16, seed: 3, augment: AUGMENT, weak: WEAK, workers: 0, ...extra };
}

async function take(loader: BatchLoader, n: number): Promise<Batch[]> {
  const batches: Batch[] = [];
  for (let i = 0; i < n; i++) batches.push(await loader.next());
  return batches;
}

function summary(b: Batch) {
  return {
    epoch: b.epoch,
    batch: b.batch,
    indices: Array.from(b.indices),
    labels: Array.from(b.labels),
    view1: Array.from(b.view1),
    view2: Array.from(b.view2),
    weak: Array.from(b.weak ?? []),
  };
}

describe('batch loader', () => {
  it('gives full shuffled batches covering each epoch once, with labels of the chosen images', async () => {
    const loader = new BatchLoader(options());
    expect(loader.batchesPerEpoch).to.equal(6);
    const batches = await take(loader, 12);
    for (const epoch of [0, 1]) {
      const seen = batches.filter((b) => b.epoch === epoch).flatMap((b) => Array.from(b.indices));
      expect(seen).to.have.length(96);
      expect(new Set(seen).size).to.equal(96);
    }
    expect(batches.map((b) => b.batch)).to.deep.equal([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    expect(Array.from(batches[0].indices)).to.not.deep.equal(Array.from(batches[6].indices));
    const first = batches[0];
    expect(Array.from(first.labels)).to.deep.equal(Array.from(first.indices).map((i) => data.train.labels[i]));
    expect(first.viewShape).to.deep.equal({ height: 8, width: 8, channels: 3 });
    expect(first.weakShape).to.deep.equal({ height: 10, width: 10, channels: 3 });
    expect(first.view1.length).to.equal(16 * 8 * 8 * 3);
    expect(first.weak?.length).to.equal(16 * 10 * 10 * 3);
    for (const v of [...first.view1, ...first.view2, ...first.weak!]) expect(v).to.be.within(0, 1);
    expect(Array.from(first.view1)).to.not.deep.equal(Array.from(first.view2));
    await loader.close();
  });

  it('keeps the last partial batch when dropLast is false', async () => {
    const loader = new BatchLoader(options({ dropLast: false, weak: undefined }));
    expect(loader.batchesPerEpoch).to.equal(7);
    const batches = await take(loader, 7);
    expect(batches[6].size).to.equal(4);
    expect(batches[6].weak).to.equal(undefined);
  });

  it('produces identical batches with 0, 1 or 2 workers', async function () {
    this.timeout(30000);
    const runs: ReturnType<typeof summary>[][] = [];
    for (const workers of [0, 1, 2]) {
      const loader = new BatchLoader(options({ workers, prefetch: 3 }));
      runs.push((await take(loader, 8)).map(summary));
      await loader.close();
    }
    expect(runs[1]).to.deep.equal(runs[0]);
    expect(runs[2]).to.deep.equal(runs[0]);
  });

  it('resumes mid-epoch from a saved state with the same batches', async () => {
    const whole = new BatchLoader(options());
    const reference = (await take(whole, 9)).map(summary);
    const first = new BatchLoader(options());
    await take(first, 4);
    const state = first.state();
    expect(state).to.deep.equal({ epoch: 0, batch: 4, seed: 3 });
    const resumed = new BatchLoader(options({ resume: JSON.parse(JSON.stringify(state)) }));
    expect((await take(resumed, 5)).map(summary)).to.deep.equal(reference.slice(4));
    expect(() => new BatchLoader(options({ resume: { ...state, seed: 4 } }))).to.throw(DataError, 'saved with seed 4, not 3');
    expect(() => new BatchLoader(options({ resume: { ...state, batch: 6 } }))).to.throw(DataError, 'batch 6 is outside 0..5');
  });

  it('another seed gives another order and other views', async () => {
    const a = summary((await take(new BatchLoader(options()), 1))[0]);
    const b = summary((await take(new BatchLoader(options({ seed: 4 })), 1))[0]);
    expect(b.indices).to.not.deep.equal(a.indices);
  });

  it('rejects bad settings before starting workers, and next() after close()', async () => {
    expect(() => new BatchLoader(options({ augment: [{ op: 'horizontal_flip', p: 2 }] }))).to.throw(AugmentError, 'p = 2');
    expect(() => new BatchLoader(options({ batchSize: 101 }))).to.throw(DataError, 'batch_size = 101 is larger than the 100 training images');
    const loader = new BatchLoader(options({ workers: 1, prefetch: 1 }));
    await loader.next();
    await loader.close();
    try {
      await loader.next();
      expect.fail('next() after close() resolved');
    } catch (error) {
      expect((error as Error).message).to.include('closed');
    }
  });

  it('does not keep the process alive with idle workers when close() is forgotten', function () {
    this.timeout(30000);
    const loaderUrl = new URL('../../src/runtime/data/loader.ts', import.meta.url).href;
    const syntheticUrl = new URL('../../src/runtime/data/synthetic.ts', import.meta.url).href;
    const script = [
      `import { BatchLoader } from ${JSON.stringify(loaderUrl)};`,
      `import { makeSynthetic } from ${JSON.stringify(syntheticUrl)};`,
      `const d = makeSynthetic({ size: 8, count: 40, testCount: 2 });`,
      `const loader = new BatchLoader({ split: d.train, shape: d, batchSize: 8, seed: 0, augment: [{ op: 'horizontal_flip' }], workers: 1 });`,
      `const batch = await loader.next();`,
      `console.log('batch', batch.size);`,
    ].join('\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-loader-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.mjs'), script);
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 20000 });
      expect(run.error, 'the process did not exit by itself').to.equal(undefined);
      expect(run.stdout.trim(), run.stderr).to.equal('batch 8');
      expect(run.status).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns a batch into NHWC tensors', async () => {
    await initBackend('cpu');
    const batch = (await take(new BatchLoader(options()), 1))[0];
    const tensors = batchToTensors(batch);
    expect(tensors.view1.shape).to.deep.equal([16, 8, 8, 3]);
    expect(tensors.weak?.shape).to.deep.equal([16, 10, 10, 3]);
    expect(tensors.labels.dtype).to.equal('int32');
    expect(Array.from(await tensors.labels.data())).to.deep.equal(Array.from(batch.labels));
    expect((await tensors.view2.data())[5]).to.equal(batch.view2[5]);
    tf.dispose([tensors.view1, tensors.view2, tensors.weak!, tensors.labels]);
  });
});
