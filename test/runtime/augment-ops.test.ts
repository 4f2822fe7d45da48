import { expect } from 'chai';
import { gaussianBlur, gaussianKernel } from '../../src/runtime/augment/blur.ts';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, colorJitter, grayscale, solarize } from '../../src/runtime/augment/color.ts';
import { cutout, flipHorizontal, resizeBox, sampleCropBox } from '../../src/runtime/augment/geometry.ts';
import type { FloatImage } from '../../src/runtime/augment/image.ts';
import { Rng } from '../../src/runtime/random.ts';

/** h x w x c image whose value encodes its position: (y * w + x) * c + ch, scaled into [0, 1]. */
function ramp(height: number, width: number, channels: number): FloatImage {
  const n = height * width * channels;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = i / (n - 1);
  return { data, height, width, channels };
}

function rgb(pixels: [number, number, number][]): FloatImage {
  return { data: new Float32Array(pixels.flat()), height: 1, width: pixels.length, channels: 3 };
}

describe('augment ops', () => {
  it('horizontal_flip reverses the columns of every row and keeps channels together', () => {
    const image = ramp(2, 3, 2);
    const before = Array.from(image.data);
    const after = Array.from(flipHorizontal(image).data);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 3; x++) {
        for (let c = 0; c < 2; c++) expect(after[(y * 3 + x) * 2 + c]).to.equal(before[(y * 3 + (2 - x)) * 2 + c]);
      }
    }
  });

  it('random_resized_crop boxes respect the scale and ratio bounds', () => {
    const rng = new Rng(1);
    const scale: [number, number] = [0.3, 0.6];
    for (let i = 0; i < 500; i++) {
      const box = sampleCropBox(64, 64, scale, [0.75, 4 / 3], rng);
      const area = (box.height * box.width) / (64 * 64);
      // Rounding the sides to whole pixels moves the area by at most about one row and column.
      expect(area).to.be.within(scale[0] - 0.04, scale[1] + 0.04);
      expect(box.width / box.height).to.be.within(0.75 - 0.06, 4 / 3 + 0.09);
      expect(box.top).to.be.within(0, 64 - box.height);
      expect(box.left).to.be.within(0, 64 - box.width);
    }
  });

  it('random_resized_crop falls back to a centre crop when no box fits', () => {
    // A 10:1 strip with ratio bounds near 1 can never fit a sampled box of full-image scale.
    const box = sampleCropBox(4, 40, [1, 1], [1, 1], new Rng(0));
    expect(box).to.deep.equal({ top: 0, left: 18, height: 4, width: 4 });
  });

  it('resizing the whole image to its own size is the identity; a box upsampled is bilinear', () => {
    const image = ramp(4, 4, 1);
    expect(Array.from(resizeBox(image, { top: 0, left: 0, height: 4, width: 4 }, 4).data)).to.deep.equal(Array.from(image.data));
    const two: FloatImage = { data: new Float32Array([0, 1]), height: 1, width: 2, channels: 1 };
    const up = resizeBox(two, { top: 0, left: 0, height: 1, width: 2 }, 4).data;
    // Half-pixel centres: x = 0.25, 0.75 of the source pixel grid -> clamped 0, 0.25, 0.75, 1.
    expect(Array.from(up.subarray(0, 4))).to.deep.equal([0, 0.25, 0.75, 1]);
  });

  it('cutout zeroes one square of side fraction x shorter side', () => {
    const image: FloatImage = { data: new Float32Array(16 * 16).fill(1), height: 16, width: 16, channels: 1 };
    let fullSquares = 0;
    for (let seed = 0; seed < 50; seed++) {
      const copy = { ...image, data: image.data.slice() };
      cutout(copy, 0.25, new Rng(seed));
      const zeros = copy.data.filter((v) => v === 0).length;
      expect(zeros).to.be.within(1, 16);
      if (zeros === 16) fullSquares++;
    }
    expect(fullSquares).to.be.greaterThan(20);
  });

  it('solarize inverts exactly the values at or above the threshold', () => {
    const image: FloatImage = { data: new Float32Array([0, 0.2, 0.5, 0.9]), height: 1, width: 4, channels: 1 };
    expect(Array.from(solarize(image, 0.5).data)).to.deep.equal([0, Math.fround(0.2), 0.5, Math.fround(1 - Math.fround(0.9))]);
  });

  it('grayscale gives every channel the luma; grey images are untouched', () => {
    const out = grayscale(rgb([[1, 0, 0], [0, 0, 1]])).data;
    expect(out[0]).to.be.closeTo(0.299, 1e-6);
    expect(out[1]).to.be.closeTo(0.299, 1e-6);
    expect(out[5]).to.be.closeTo(0.114, 1e-6);
    const grey = ramp(2, 2, 1);
    const before = Array.from(grey.data);
    expect(Array.from(grayscale(grey).data)).to.deep.equal(before);
  });

  it('brightness scales and clips, contrast pulls towards the mean grey', () => {
    const image: FloatImage = { data: new Float32Array([0.2, 0.6]), height: 1, width: 2, channels: 1 };
    adjustBrightness(image, 2);
    expect(Array.from(image.data)).to.deep.equal([0.4000000059604645, 1]);
    const flat: FloatImage = { data: new Float32Array([0.2, 0.6]), height: 1, width: 2, channels: 1 };
    adjustContrast(flat, 0);
    expect(flat.data[0]).to.be.closeTo(0.4, 1e-6);
    expect(flat.data[1]).to.be.closeTo(0.4, 1e-6);
  });

  it('saturation 0 makes grey; hue shifts red by a third of a turn to green; both ignore grey images', () => {
    const image = rgb([[0.8, 0.2, 0.2]]);
    adjustSaturation(image, 0);
    const luma = 0.299 * 0.8 + 0.587 * 0.2 + 0.114 * 0.2;
    for (const v of image.data) expect(v).to.be.closeTo(luma, 1e-6);
    const red = rgb([[1, 0, 0]]);
    adjustHue(red, 1 / 3);
    expect(Array.from(red.data).map((v) => Math.round(v * 1e6) / 1e6)).to.deep.equal([0, 1, 0]);
    const grey = ramp(2, 2, 1);
    const before = Array.from(grey.data);
    adjustSaturation(grey, 0);
    adjustHue(grey, 0.3);
    expect(Array.from(grey.data)).to.deep.equal(before);
  });

  it('color_jitter with zero strengths leaves the image unchanged and keeps values in [0, 1]', () => {
    const image = ramp(4, 4, 3);
    const before = Array.from(image.data);
    colorJitter(image, { brightness: 0, contrast: 0, saturation: 0, hue: 0 }, new Rng(3));
    expect(Array.from(image.data)).to.deep.equal(before);
    for (let seed = 0; seed < 20; seed++) {
      const strong = colorJitter(ramp(4, 4, 3), { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.5 }, new Rng(seed));
      for (const v of strong.data) expect(v).to.be.within(0, 1);
    }
  });

  it('gaussian_blur keeps a constant image, preserves the mean of a spike away from borders and spreads it', () => {
    const constant: FloatImage = { data: new Float32Array(25).fill(0.7), height: 5, width: 5, channels: 1 };
    for (const v of gaussianBlur(constant, 1.5).data) expect(v).to.be.closeTo(0.7, 1e-6);
    const spike: FloatImage = { data: new Float32Array(21 * 21), height: 21, width: 21, channels: 1 };
    spike.data[10 * 21 + 10] = 1;
    const out = gaussianBlur(spike, 1).data;
    expect(out.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    expect(out[10 * 21 + 10]).to.be.closeTo(1 / (2 * Math.PI), 0.01);
    expect(out[10 * 21 + 11]).to.be.lessThan(out[10 * 21 + 10]);
    const kernel = gaussianKernel(2, 100);
    expect(kernel.length).to.equal(13);
  });

  it('gaussian_blur equals a direct 2-D convolution with reflected borders, per channel', () => {
    const image = ramp(5, 7, 3);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 37) % 11 / 10;
    const before = image.data.slice();
    const kernel = gaussianKernel(0.8, 4);
    const r = (kernel.length - 1) / 2;
    const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
    const out = gaussianBlur(image, 0.8).data;
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 7; x++) {
        for (let c = 0; c < 3; c++) {
          let expected = 0;
          for (let dy = -r; dy <= r; dy++) {
            for (let dx = -r; dx <= r; dx++) {
              expected += kernel[dy + r] * kernel[dx + r] * before[(reflect(y + dy, 5) * 7 + reflect(x + dx, 7)) * 3 + c];
            }
          }
          expect(out[(y * 7 + x) * 3 + c]).to.be.closeTo(expected, 1e-5);
        }
      }
    }
  });
});
