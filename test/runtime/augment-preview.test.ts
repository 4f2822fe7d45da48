import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { AugmentOp } from '../../src/runtime/augment/pipeline.ts';
import { makeSynthetic } from '../../src/runtime/data/synthetic.ts';
import { renderPreview, writePreview } from '../../src/runtime/preview.ts';

const AUGMENT: AugmentOp[] = [{ op: 'random_resized_crop', size: 12 }, { op: 'color_jitter' }, { op: 'horizontal_flip' }];

describe('augment preview', () => {
  it('lays out original, view 1 and view 2 of 16 images, four groups a row, cells of at least 64 px', () => {
    const data = makeSynthetic({ classes: 4, size: 16, channels: 3, count: 40, testCount: 4 });
    const png = renderPreview(data, { augment: AUGMENT, seed: 1 });
    // Cell 64 (16 px x 4); group = 3 cells + 2 gaps of 2 = 196; 4 groups + 5 gaps of 10; 4 rows.
    expect([png.width, png.height]).to.deep.equal([10 + 4 * (196 + 10), 10 + 4 * (64 + 10)]);
    // The first original is train image 0 (class 0): its top-left pixel fills the cell's top-left 4x4 block.
    for (const [x, y] of [[10, 10], [13, 13]]) {
      const at = (y * png.width + x) * 4;
      expect(Array.from(png.data.subarray(at, at + 3))).to.deep.equal(Array.from(data.train.images.subarray(0, 3)));
    }
    // The second group shows image 1 (class 1).
    const at = (10 * png.width + 10 + 206) * 4;
    expect(Array.from(png.data.subarray(at, at + 3))).to.deep.equal(Array.from(data.train.images.subarray(768, 771)));
    expect(Buffer.from(renderPreview(data, { augment: AUGMENT, seed: 1 }).data).equals(Buffer.from(png.data))).to.equal(true);
    expect(Buffer.from(renderPreview(data, { augment: AUGMENT, seed: 2 }).data).equals(Buffer.from(png.data))).to.equal(false);
  });

  it('writes a readable PNG with a weak column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-preview-'));
    try {
      const out = path.join(dir, 'views.png');
      const result = await writePreview({
        data: { kind: 'synthetic', size: 8, count: 20, testCount: 2, classes: 2 },
        augment: AUGMENT,
        weak: [{ op: 'horizontal_flip' }],
        seed: 0,
        count: 2,
        out,
      });
      const png = PNG.sync.read(fs.readFileSync(out));
      // Views are 12 px (the crop size), the largest side: cell 72 (12 px x 6); group = 4 cells + 3 gaps.
      expect([png.width, png.height]).to.deep.equal([10 + 2 * (4 * 72 + 3 * 2 + 10), 10 + 72 + 10]);
      expect(result).to.deep.equal({ path: out, width: png.width, height: png.height, images: 2 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
