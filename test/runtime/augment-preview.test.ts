import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { AugmentOp } from '../../src/runtime/augment/pipeline.ts';
import { makeSynthetic } from '../../src/runtime/data/synthetic.ts';
import { drawText, textWidth } from '../../src/runtime/bitmap-font.ts';
import { previewLayout, renderPreview, writePreview } from '../../src/runtime/preview.ts';

const AUGMENT: AugmentOp[] = [{ op: 'random_resized_crop', size: 12 }, { op: 'color_jitter' }, { op: 'horizontal_flip' }];

describe('augment preview', () => {
  it('lays out original, view 1 and view 2 of 16 images, four groups a row, cells of at least 64 px', () => {
    const data = makeSynthetic({ classes: 4, size: 16, channels: 3, count: 40, testCount: 4 });
    const png = renderPreview(data, { augment: AUGMENT, seed: 1 });
    // Cell 64 (16 px x 4); group = 3 cells + 2 gaps of 2 = 196; 4 groups + 5 gaps of 10; 4 rows, each under its class band.
    const layout = previewLayout(64, ['original', 'view 1', 'view 2'], ['class 0']);
    const top = 10 + layout.header + layout.caption;
    expect([png.width, png.height]).to.deep.equal([10 + 4 * (196 + 10), 10 + layout.header + 4 * (layout.caption + 64 + 10)]);
    // The first original is train image 0 (class 0): its top-left pixel fills the cell's top-left 4x4 block.
    for (const [x, y] of [[10, top], [13, top + 3]]) {
      const at = (y * png.width + x) * 4;
      expect(Array.from(png.data.subarray(at, at + 3))).to.deep.equal(Array.from(data.train.images.subarray(0, 3)));
    }
    // The second group shows image 1 (class 1).
    const at = (top * png.width + 10 + 206) * 4;
    expect(Array.from(png.data.subarray(at, at + 3))).to.deep.equal(Array.from(data.train.images.subarray(768, 771)));
    expect(Buffer.from(renderPreview(data, { augment: AUGMENT, seed: 1 }).data).equals(Buffer.from(png.data))).to.equal(true);
    expect(Buffer.from(renderPreview(data, { augment: AUGMENT, seed: 2 }).data).equals(Buffer.from(png.data))).to.equal(false);
  });

  it('names the columns at the top and each group\'s class above it', () => {
    const data = { ...makeSynthetic({ classes: 2, size: 16, channels: 1, count: 8, testCount: 2 }), classNames: ['T-shirt/top', 'Ankle boot'] };
    const png = renderPreview(data, { augment: AUGMENT, seed: 1, count: 2 });
    const layout = previewLayout(64, ['original', 'view 1', 'view 2'], data.classNames);
    // 'view 1' is 70 px wide at scale 2: the column names drop to scale 1; the class names fit a group at 2.
    expect([layout.columnScale, layout.classScale]).to.deep.equal([1, 2]);
    // The image's labels are exactly the font's text at the computed places, drawn on the background.
    const expected = new PNG({ width: png.width, height: png.height });
    expected.data.set(png.data);
    const band = (y0: number, y1: number) => { for (let y = y0; y < y1; y++) for (let x = 0; x < png.width; x++) expected.data.fill(40, (y * png.width + x) * 4, (y * png.width + x) * 4 + 3); };
    band(0, 10 + layout.header + layout.caption);
    [0, 1].forEach((g) => ['original', 'view 1', 'view 2'].forEach((name, c) => {
      drawText(expected, name, 10 + g * 206 + c * 66 + ((64 - textWidth(name, 1)) >> 1), 10, 1, 230);
    }));
    drawText(expected, 'T-shirt/top', 10, 10 + layout.header, 2, 230);
    drawText(expected, 'Ankle boot', 10 + 206, 10 + layout.header, 2, 230);
    expect(Buffer.from(png.data).equals(Buffer.from(expected.data))).to.equal(true);
    // And there is text: light pixels in the class band.
    const light = (y: number) => Array.from({ length: png.width }, (_, x) => png.data[(y * png.width + x) * 4]).filter((v) => v === 230).length;
    expect(light(10 + layout.header + 1)).to.be.above(10);
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
      const layout = previewLayout(72, ['original', 'view 1', 'view 2', 'weak'], ['class 0']);
      expect([png.width, png.height]).to.deep.equal([10 + 2 * (4 * 72 + 3 * 2 + 10), 10 + layout.header + layout.caption + 72 + 10]);
      expect(result).to.deep.equal({ path: out, width: png.width, height: png.height, images: 2 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
