import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataError, type Dataset, type Split } from '../../src/runtime/data/dataset.ts';
import { expectDataError } from './data-expect.ts';
import { loadDataset } from '../../src/runtime/data/load.ts';
import { loadPackaged } from '../../src/runtime/data/packaged.ts';
import { stratifiedSubset } from '../../src/runtime/data/split.ts';
import { makeSynthetic } from '../../src/runtime/data/synthetic.ts';
import { Rng } from '../../src/runtime/random.ts';

const PIXELS = 784;

function perClassCounts(split: Split, classes: number): number[] {
  const counts = new Array(classes).fill(0);
  for (const label of split.labels) counts[label]++;
  return counts;
}

function imageKeys(d: Dataset, split: Split): Set<string> {
  const size = d.height * d.width * d.channels;
  const keys = new Set<string>();
  for (let i = 0; i < split.count; i++) keys.add(Buffer.from(split.images.subarray(i * size, (i + 1) * size)).toString('latin1'));
  return keys;
}

/** mnist-format class files (flat floats in [0, 1]) in a temp dir; image k of class c is filled with (c * 20 + k) / 255. */
function writeFlatClasses(dir: string, perClass: number, tweak?: (c: number, values: number[]) => void): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let c = 0; c < 10; c++) {
    const values: number[] = [];
    for (let k = 0; k < perClass; k++) for (let p = 0; p < PIXELS; p++) values.push((c * 20 + k) / 255);
    tweak?.(c, values);
    fs.writeFileSync(path.join(dir, `${c}.json`), JSON.stringify({ data: values }));
  }
}

describe('data sets', () => {
  let temp: string;
  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-data-'));
  });
  afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('fashion_mnist: 1,000 test images per class; 6,000 train per class less the copies of test images', async () => {
    const d = await loadPackaged('fashion_mnist');
    expect([d.height, d.width, d.channels, d.classes]).to.deep.equal([28, 28, 1, 10]);
    expect(d.test.count).to.equal(10000);
    expect(perClassCounts(d.test, 10)).to.deep.equal(new Array(10).fill(1000));
    const testKeys = imageKeys(d, d.test);
    const trainKeys = [...imageKeys(d, d.train)];
    expect(trainKeys.filter((k) => testKeys.has(k))).to.have.length(0);
    for (const n of perClassCounts(d.train, 10)) expect(n).to.be.within(5990, 6000);
    // The package holds 70,000 images; 12 train images duplicate a test image.
    expect(d.train.count).to.equal(59988);
    expect(d.train.images.length).to.equal(d.train.count * PIXELS);
  });

  it('mnist: the last seventh of every class is the test split', async () => {
    const d = await loadPackaged('mnist');
    expect(d.train.count + d.test.count).to.be.within(9990, 10000);
    const test = perClassCounts(d.test, 10);
    const train = perClassCounts(d.train, 10);
    for (let c = 0; c < 10; c++) expect(test[c]).to.equal(Math.round((test[c] + train[c]) / 7));
  });

  it('splits the tail of every class, drops train copies of test images, caches with a checksum', async () => {
    const source = path.join(temp, 'src');
    // 7 images per class -> the last one is test; class 3's first image copies class 5's test image.
    writeFlatClasses(source, 7, (c, values) => {
      if (c === 3) for (let p = 0; p < PIXELS; p++) values[p] = (5 * 20 + 6) / 255;
    });
    const cacheDir = path.join(temp, 'cache');
    const warnings: string[] = [];
    const d = await loadPackaged('mnist', { sourceDir: source, cacheDir, warn: (m) => warnings.push(m) });
    expect(d.test.count).to.equal(10);
    expect(Array.from(d.test.labels)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(d.test.images[5 * PIXELS]).to.equal(5 * 20 + 6);
    expect(d.train.count).to.equal(59);
    expect(perClassCounts(d.train, 10)[3]).to.equal(5);
    const files = fs.readdirSync(cacheDir);
    expect(files.filter((f) => f.endsWith('.bin'))).to.have.length(1);
    expect(files.filter((f) => f.endsWith('.bin.sha256'))).to.have.length(1);
    const again = await loadPackaged('mnist', { sourceDir: source, cacheDir, warn: (m) => warnings.push(m) });
    expect(again.fingerprint).to.equal(d.fingerprint);
    expect(Buffer.from(again.train.images).equals(Buffer.from(d.train.images))).to.equal(true);
    expect(warnings).to.deep.equal([]);
  });

  it('detects a corrupt or truncated cache by its checksum and rebuilds it with a warning', async () => {
    const source = path.join(temp, 'src');
    writeFlatClasses(source, 7);
    const cacheDir = path.join(temp, 'cache');
    const first = await loadPackaged('mnist', { sourceDir: source, cacheDir });
    const bin = path.join(cacheDir, fs.readdirSync(cacheDir).find((f) => f.endsWith('.bin'))!);
    for (const damage of [(b: Buffer) => { b[b.length - 100] ^= 0xff; return b; }, (b: Buffer) => b.subarray(0, 500)]) {
      fs.writeFileSync(bin, damage(fs.readFileSync(bin)));
      const warnings: string[] = [];
      const rebuilt = await loadPackaged('mnist', { sourceDir: source, cacheDir, warn: (m) => warnings.push(m) });
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include(bin).and.include('corrupt').and.include('rebuilding');
      expect(rebuilt.fingerprint).to.equal(first.fingerprint);
      const warningsAfter: string[] = [];
      await loadPackaged('mnist', { sourceDir: source, cacheDir, warn: (m) => warningsAfter.push(m) });
      expect(warningsAfter).to.deep.equal([]);
    }
  });

  it('reports malformed source files by file and image index', async () => {
    const flat = path.join(temp, 'flat');
    writeFlatClasses(flat, 7, (c, values) => {
      if (c === 2) values[3 * PIXELS + 5] = 7;
    });
    const options = { sourceDir: flat, cacheDir: path.join(temp, 'cache') };
    await expectDataError(loadPackaged('mnist', options), `${path.join(flat, '2.json')}: image 3, pixel 5: 7 is not a number in [0, 1]`);
    writeFlatClasses(flat, 7, (c, values) => {
      if (c === 4) values.length -= 10;
    });
    await expectDataError(loadPackaged('mnist', options), `${path.join(flat, '4.json')}: 5478 values is not a whole number`);
    const rows = path.join(temp, 'rows');
    fs.mkdirSync(rows);
    for (let c = 0; c < 10; c++) {
      const data = [new Array(PIXELS).fill(0), [], c === 1 ? [1, 2, 3] : new Array(PIXELS).fill(9)];
      fs.writeFileSync(path.join(rows, `${c}.json`), JSON.stringify({ data }));
    }
    await expectDataError(loadPackaged('fashion_mnist', { ...options, sourceDir: rows }), `${path.join(rows, '1.json')}: image 2 has 3 values, expected 784`);
    fs.writeFileSync(path.join(rows, '0.json'), '{"data": [[1, 2');
    await expectDataError(loadPackaged('fashion_mnist', { ...options, sourceDir: rows }), `cannot read ${path.join(rows, '0.json')}`);
  });

  it('takes stratified, seeded subsets in proportion to the classes', () => {
    const labels = new Int32Array([...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(10).fill(2)]);
    const split: Split = { images: Uint8Array.from(labels.keys()), labels, count: 100 };
    const a = stratifiedSubset(split, 10, 1, new Rng(1), 'train_size');
    expect(perClassCounts(a, 3)).to.deep.equal([6, 3, 1]);
    // Each image's byte is its original index, so the chosen images can be read back.
    const chosen = Array.from(a.images);
    expect(chosen).to.deep.equal([...chosen].sort((x, y) => x - y));
    expect(Array.from(stratifiedSubset(split, 10, 1, new Rng(1), 'train_size').images)).to.deep.equal(chosen);
    expect(Array.from(stratifiedSubset(split, 10, 1, new Rng(2), 'train_size').images)).to.not.deep.equal(chosen);
    // 7 places: 4.2, 2.1, 0.7 -> floors 4, 2, 0; the one left goes to the largest remainder (class 2).
    expect(perClassCounts(stratifiedSubset(split, 7, 1, new Rng(1), 'train_size'), 3)).to.deep.equal([4, 2, 1]);
    expect(() => stratifiedSubset(split, 101, 1, new Rng(1), 'fashion_mnist: train_size')).to.throw(
      DataError,
      'fashion_mnist: train_size = 101 is larger than the 100 images available',
    );
    expect(() => stratifiedSubset(split, 2.5, 1, new Rng(1), 'train_size')).to.throw(DataError, 'must be a positive integer');
  });

  it('loadDataset applies trainSize / testSize by seed and fingerprints the result', async () => {
    const spec = { kind: 'fashion_mnist', split: 'package', trainSize: 500, testSize: 100 } as const;
    const a = await loadDataset(spec, { seed: 7 });
    expect([a.train.count, a.test.count]).to.deep.equal([500, 100]);
    expect(perClassCounts(a.test, 10)).to.deep.equal(new Array(10).fill(10));
    const same = await loadDataset(spec, { seed: 7 });
    const other = await loadDataset(spec, { seed: 8 });
    expect(same.fingerprint).to.equal(a.fingerprint);
    expect(other.fingerprint).to.not.equal(a.fingerprint);
    const full = await loadDataset({ kind: 'fashion_mnist', split: 'package' });
    expect(full.train.count).to.equal(59988);
    expect(full.fingerprint).to.not.equal(a.fingerprint);
  });

  it('synthetic: deterministic, balanced and clusterable (nearest class mean on raw pixels)', () => {
    const d = makeSynthetic({ classes: 5, size: 16, channels: 3, count: 200, testCount: 100 });
    expect(d.train.images.length).to.equal(200 * 16 * 16 * 3);
    expect(perClassCounts(d.train, 5)).to.deep.equal([40, 40, 40, 40, 40]);
    expect(makeSynthetic({ classes: 5, size: 16, channels: 3, count: 200, testCount: 100 }).fingerprint).to.equal(d.fingerprint);
    const size = 16 * 16 * 3;
    const means = Array.from({ length: 5 }, () => new Float64Array(size));
    for (let i = 0; i < d.train.count; i++) {
      for (let p = 0; p < size; p++) means[d.train.labels[i]][p] += d.train.images[i * size + p] / 40;
    }
    let correct = 0;
    for (let i = 0; i < d.test.count; i++) {
      let best = -1;
      let bestDistance = Infinity;
      means.forEach((mean, c) => {
        let distance = 0;
        for (let p = 0; p < size; p++) distance += (d.test.images[i * size + p] - mean[p]) ** 2;
        if (distance < bestDistance) [best, bestDistance] = [c, distance];
      });
      if (best === d.test.labels[i]) correct++;
    }
    expect(correct / d.test.count).to.be.greaterThan(0.9);
    expect(() => makeSynthetic({ channels: 2 })).to.throw(DataError, 'synthetic: channels = 2 must be 1 or 3');
  });
});
