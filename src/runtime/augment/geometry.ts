/** Geometric ops: random_resized_crop (bilinear), horizontal_flip, cutout. */
import type { Rng } from '../random.ts';
import type { FloatImage } from './image.ts';

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision's RandomResizedCrop box: up to 10 tries at an area fraction in `scale` and a
 * log-uniform aspect ratio in `ratio`, then a centre crop with the ratio clamped into range.
 */
export function sampleCropBox(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): CropBox {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(targetArea * aspect));
    const h = Math.round(Math.sqrt(targetArea / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** Bilinear resampling of a box of `image` to size x size (half-pixel centres, edge clamped). */
export function resizeBox(image: FloatImage, box: CropBox, size: number): FloatImage {
  const { width, channels } = image;
  const src = image.data;
  const out = new Float32Array(size * size * channels);
  const sy = box.height / size;
  const sx = box.width / size;
  const maxY = box.top + box.height - 1;
  const maxX = box.left + box.width - 1;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(Math.max(box.top + (y + 0.5) * sy - 0.5, box.top), maxY);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, maxY);
    const wy = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = Math.min(Math.max(box.left + (x + 0.5) * sx - 0.5, box.left), maxX);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, maxX);
      const wx = fx - x0;
      const a = (y0 * width + x0) * channels;
      const b = (y0 * width + x1) * channels;
      const c = (y1 * width + x0) * channels;
      const d = (y1 * width + x1) * channels;
      const o = (y * size + x) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
        const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * wx;
        out[o + ch] = top + (bottom - top) * wy;
      }
    }
  }
  return { data: out, height: size, width: size, channels };
}

export function randomResizedCrop(
  image: FloatImage,
  size: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): FloatImage {
  return resizeBox(image, sampleCropBox(image.height, image.width, scale, ratio, rng), size);
}

/** Mirrors the columns in place. */
export function flipHorizontal(image: FloatImage): FloatImage {
  const { data, height, width, channels } = image;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width >> 1; x++) {
      const a = (row + x) * channels;
      const b = (row + width - 1 - x) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const t = data[a + ch];
        data[a + ch] = data[b + ch];
        data[b + ch] = t;
      }
    }
  }
  return image;
}

/**
 * Cutout (DeVries and Taylor 2017): a square of side `fraction` x the shorter side, centred at a
 * uniform pixel (so it may hang over the border), set to 0.
 */
export function cutout(image: FloatImage, fraction: number, rng: Rng): FloatImage {
  const { data, height, width, channels } = image;
  const side = Math.max(1, Math.round(fraction * Math.min(height, width)));
  const cy = rng.int(height);
  const cx = rng.int(width);
  const y0 = Math.max(0, cy - (side >> 1));
  const x0 = Math.max(0, cx - (side >> 1));
  const y1 = Math.min(height, cy - (side >> 1) + side);
  const x1 = Math.min(width, cx - (side >> 1) + side);
  for (let y = y0; y < y1; y++) data.fill(0, (y * width + x0) * channels, (y * width + x1) * channels);
  return image;
}
