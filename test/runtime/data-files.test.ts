import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { PNG } from 'pngjs';
import { loadCifar10 } from '../../src/runtime/data/cifar10.ts';
import { DataError } from '../../src/runtime/data/dataset.ts';
import { loadDataset } from '../../src/runtime/data/load.ts';
import { expectDataError } from './data-expect.ts';

const RECORD = 3073;

/** `count` CIFAR-10 records; record r has label r % 10 and planes filled with r, r + 1, r + 2. */
function cifarBatch(count: number, first = 0): Buffer {
  const bytes = Buffer.alloc(count * RECORD);
  for (let r = 0; r < count; r++) {
    const id = first + r;
    bytes[r * RECORD] = id % 10;
    for (let plane = 0; plane < 3; plane++) bytes.fill((id + plane) % 256, r * RECORD + 1 + plane * 1024, r * RECORD + 1 + (plane + 1) * 1024);
  }
  return bytes;
}

function writeCifar(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(dir, `data_batch_${i}.bin`), cifarBatch(4, (i - 1) * 4));
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), cifarBatch(3, 100));
}

function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      image.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(image);
}

describe('data files: cifar10 and image_folder', () => {
  let temp: string;
  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-files-'));
  });
  afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('cifar10 reads records into NHWC with labels, from the folder or its cifar-10-batches-bin child', () => {
    writeCifar(path.join(temp, 'cifar-10-batches-bin'));
    const d = loadCifar10(temp);
    expect([d.height, d.width, d.channels, d.classes]).to.deep.equal([32, 32, 3, 10]);
    expect([d.train.count, d.test.count]).to.deep.equal([20, 3]);
    expect(Array.from(d.train.labels.subarray(0, 12))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // Record 5 of the train split: planes 5, 6, 7 -> every pixel (5, 6, 7).
    const pixel = 5 * 3072 + 3 * 517;
    expect(Array.from(d.train.images.subarray(pixel, pixel + 3))).to.deep.equal([5, 6, 7]);
    expect(Array.from(d.test.labels)).to.deep.equal([0, 1, 2]);
    expect(d.classNames?.[9]).to.equal('truck');
  });

  it('cifar10 names the missing path, the missing file, the truncated record and the bad label', () => {
    expect(() => loadCifar10(path.join(temp, 'nope'))).to.throw(DataError, `cifar10: path '${path.join(temp, 'nope')}' does not exist`);
    fs.writeFileSync(path.join(temp, 'file.bin'), '');
    expect(() => loadCifar10(path.join(temp, 'file.bin'))).to.throw(DataError, `cifar10: path '${path.join(temp, 'file.bin')}' is not a directory`);
    writeCifar(temp);
    fs.rmSync(path.join(temp, 'data_batch_3.bin'));
    expect(() => loadCifar10(temp)).to.throw(DataError, `missing file ${path.join(temp, 'data_batch_3.bin')}`);
    writeCifar(temp);
    fs.writeFileSync(path.join(temp, 'data_batch_2.bin'), cifarBatch(3).subarray(0, 2 * RECORD + 100));
    expect(() => loadCifar10(temp)).to.throw(
      DataError,
      `${path.join(temp, 'data_batch_2.bin')} is truncated: record 2 at byte offset 6146 has 100 of its 3073 bytes`,
    );
    writeCifar(temp);
    const bad = cifarBatch(3);
    bad[RECORD] = 12;
    fs.writeFileSync(path.join(temp, 'test_batch.bin'), bad);
    expect(() => loadCifar10(temp)).to.throw(DataError, `${path.join(temp, 'test_batch.bin')}: record 1 (byte offset 3073) has label 12, expected 0..9`);
    fs.writeFileSync(path.join(temp, 'test_batch.bin'), Buffer.alloc(0));
    expect(() => loadCifar10(temp)).to.throw(DataError, 'test_batch.bin is empty');
  });

  it('cifar10 trainSize takes a stratified subset through loadDataset', async () => {
    writeCifar(temp);
    const d = await loadDataset({ kind: 'cifar10', path: temp, trainSize: 10 }, { seed: 1 });
    expect(Array.from(d.train.labels).sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('image_folder decodes PNG and JPEG, resizes, splits the tail of each class and caches the result', async () => {
    // Every file differs, so no train image is dropped as a copy of a test image.
    const root = path.join(temp, 'images');
    for (const [name, colour] of [['cats', [200, 30, 30]], ['dogs', [30, 30, 200]]] as const) {
      fs.mkdirSync(path.join(root, name), { recursive: true });
      for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(root, name, `${i}.png`), png(20, 10, () => [colour[0], colour[1] + i, colour[2]]));
      fs.writeFileSync(path.join(root, name, 'z.jpg'), await sharp(png(8, 8, () => [colour[0], colour[1], colour[2] + 60])).jpeg({ quality: 100 }).toBuffer());
      fs.writeFileSync(path.join(root, name, 'notes.txt'), 'ignored');
    }
    const cacheDir = path.join(temp, 'cache');
    const d = await loadDataset({ kind: 'image_folder', path: root, size: 6, testFraction: 0.34 }, { cacheDir });
    expect([d.height, d.width, d.channels, d.classes]).to.deep.equal([6, 6, 3, 2]);
    expect(d.classNames).to.deep.equal(['cats', 'dogs']);
    // 6 files per class, round(6 x 0.34) = 2 test: the last two by name (4.png, z.jpg).
    expect([d.train.count, d.test.count]).to.deep.equal([8, 4]);
    expect(Array.from(d.train.images.subarray(0, 3))).to.deep.equal([200, 30, 30]);
    expect(Array.from(d.train.images.subarray(3 * 108, 3 * 108 + 3))).to.deep.equal([200, 33, 30]);
    const jpegPixel = Array.from(d.test.images.subarray(108, 111));
    jpegPixel.forEach((v, i) => expect(v).to.be.closeTo([200, 30, 90][i], 6));
    expect(fs.readdirSync(cacheDir).filter((f) => f.startsWith('image_folder-'))).to.have.length(2);
    const again = await loadDataset({ kind: 'image_folder', path: root, size: 6, testFraction: 0.34 }, { cacheDir });
    expect(again.fingerprint).to.equal(d.fingerprint);
  });

  it('image_folder makes grey images one channel', async () => {
    const root = path.join(temp, 'grey');
    for (const name of ['a', 'b']) {
      fs.mkdirSync(path.join(root, name), { recursive: true });
      for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(root, name, `${i}.png`), png(4, 4, (x) => [x * 60 + i, x * 60 + i, x * 60 + i]));
    }
    const d = await loadDataset({ kind: 'image_folder', path: root, size: 4 }, { cacheDir: path.join(temp, 'cache') });
    expect(d.channels).to.equal(1);
    expect(Array.from(d.train.images.subarray(0, 4))).to.deep.equal([0, 60, 120, 180]);
  });

  it('image_folder names the missing path, an empty class folder and an undecodable file', async () => {
    const cacheDir = path.join(temp, 'cache');
    const load = (root: string) => loadDataset({ kind: 'image_folder', path: root }, { cacheDir });
    await expectDataError(load(path.join(temp, 'missing')), `image_folder: path '${path.join(temp, 'missing')}' does not exist`);
    fs.mkdirSync(path.join(temp, 'flat'));
    await expectDataError(load(path.join(temp, 'flat')), 'has no class sub-folders');
    fs.mkdirSync(path.join(temp, 'flat', 'empty'));
    await expectDataError(load(path.join(temp, 'flat')), `class folder '${path.join(temp, 'flat', 'empty')}' has no .png, .jpg or .jpeg files`);
    fs.writeFileSync(path.join(temp, 'flat', 'empty', 'broken.png'), 'not a png');
    await expectDataError(load(path.join(temp, 'flat')), `image_folder: cannot decode ${path.join(temp, 'flat', 'empty', 'broken.png')}`);
  });
});
