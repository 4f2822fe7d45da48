/**
 * `rekdc preview` end to end: a tiny synthetic experiment gives a PNG of the expected layout whose
 * first cell is the first train image; a file with an error, and data that is missing, exit 1
 * with a clear message and no stack.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { loadDataset } from '../../src/runtime/data/load.ts';
import { previewLayout } from '../../src/runtime/preview.ts';

const rekdc = path.resolve('bin/rekdc.js');

const experiment = (data: string) => `
experiment tiny {
  seed = 3
  batch_size = 16
  data ${data}
  augment {
    random_resized_crop { size = 16, scale = 0.5 .. 1.0 }
    horizontal_flip {}
  }
  student alexnet { width = 0.125, embed = 16 }
  loss { instance moco { queue = 64 } }
  optimizer sgd {}
  schedule cosine { epochs = 1 }
}
`;
const SYNTHETIC = { kind: 'synthetic', classes: 3, size: 16, channels: 1, count: 48, testCount: 6 } as const;
const syntheticBlock = `synthetic { classes = ${SYNTHETIC.classes}, size = ${SYNTHETIC.size}, channels = 1, count = ${SYNTHETIC.count}, test_count = ${SYNTHETIC.testCount} }`;

function rekdcIn(cwd: string, args: string[]) {
  const result = spawnSync(process.execPath, [rekdc, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('rekdc preview', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-preview-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes 16 originals with two views each to views.png: 4 groups of 3 cells per row, 4 rows', async () => {
    fs.writeFileSync(path.join(dir, 'tiny.rekd'), experiment(syntheticBlock));
    const outcome = rekdcIn(dir, ['preview', 'tiny.rekd', 'tiny']);
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stderr).to.contain('views.png: 16 images');

    const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'views.png')));
    // 16 px images upscaled x4 to 64 px cells; 2 px between cells, 10 px around groups; the column
    // names on top, each row of groups under a band of class names.
    const cell = 64;
    const group = 3 * cell + 2 * 2;
    const { header, caption } = previewLayout(cell, ['original', 'view 1', 'view 2'], ['class 0']);
    const top = 10 + header + caption;
    expect(png.width).to.equal(10 + 4 * (group + 10)); // 834
    expect(png.height).to.equal(10 + header + 4 * (caption + cell + 10));
    expect([...png.data.subarray(0, 4)], 'background').to.deep.equal([40, 40, 40, 255]);

    // The first cell is the first train image of class 0, grey in all three channels.
    const dataset = await loadDataset(SYNTHETIC);
    const first = dataset.train.labels.indexOf(0);
    const perImage = SYNTHETIC.size * SYNTHETIC.size;
    const pixel = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)];
    for (const [x, y] of [[0, 0], [5, 3], [15, 15]]) {
      const grey = dataset.train.images[first * perImage + y * SYNTHETIC.size + x];
      expect(pixel(10 + 4 * x + 1, top + 4 * y + 2), `original pixel (${x}, ${y})`).to.deep.equal([grey, grey, grey, 255]);
    }
  });

  it('exits 1 with a located diagnostic on a file with an error, writing nothing', () => {
    fs.writeFileSync(path.join(dir, 'bad.rekd'), experiment(syntheticBlock.replace('classes = 3', 'classes = 1')));
    const outcome = rekdcIn(dir, ['preview', 'bad.rekd']);
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.match(/bad\.rekd:5:30: error\[RK\d{4}\]: data synthetic classes: must be >= 2 and <= 1000, found 1/);
    expect(fs.existsSync(path.join(dir, 'views.png'))).to.equal(false);
  });

  it('exits 1 naming the missing data path, without a stack trace', () => {
    fs.writeFileSync(path.join(dir, 'missing.rekd'), experiment('cifar10 { path = "nowhere" }'));
    const outcome = rekdcIn(dir, ['preview', 'missing.rekd', '--out', 'missing.png']);
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.contain("rekdc preview: cifar10: path 'nowhere' does not exist");
    expect(outcome.stderr).to.not.match(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'missing.png'))).to.equal(false);
  });
});
