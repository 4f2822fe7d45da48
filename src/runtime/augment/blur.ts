/** gaussian_blur: a separable Gaussian with reflected borders, sigma drawn per image. */
import type { Rng } from '../random.ts';
import type { FloatImage } from './image.ts';

/** Normalised 1-D kernel with radius ceil(3 sigma), capped so it fits the image (reflection). */
export function gaussianKernel(sigma: number, maxRadius: number): Float32Array {
  const radius = Math.max(1, Math.min(Math.ceil(3 * sigma), maxRadius));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    kernel[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return kernel;
}

/** Index reflected into [0, n) without repeating the edge (..., 2, 1, 0, 1, 2, ...). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  if (i < 0) return -i;
  if (i >= n) return 2 * n - 2 - i;
  return i;
}

export function gaussianBlur(image: FloatImage, sigma: number): FloatImage {
  const { height, width, channels, data } = image;
  const kernel = gaussianKernel(sigma, Math.max(1, Math.min(height, width) - 1));
  const tmp = new Float32Array(data.length);
  // Rows then columns, each through a reflect-padded copy of the line so the inner loop has no branches.
  blurLines(data, tmp, height, width, channels, width * channels, channels, kernel);
  blurLines(tmp, data, width, height, channels, channels, width * channels, kernel);
  return image;
}

/**
 * Convolves `lines` lines of `length` pixels: line l starts at l * lineStride, consecutive pixels
 * are `pixelStride` apart, each pixel has `channels` values.
 */
function blurLines(
  src: Float32Array,
  dst: Float32Array,
  lines: number,
  length: number,
  channels: number,
  lineStride: number,
  pixelStride: number,
  kernel: Float32Array,
): void {
  const radius = (kernel.length - 1) >> 1;
  const taps = kernel.length;
  const padded = new Float32Array(length + 2 * radius);
  for (let l = 0; l < lines; l++) {
    for (let ch = 0; ch < channels; ch++) {
      const base = l * lineStride + ch;
      for (let i = -radius; i < length + radius; i++) padded[i + radius] = src[base + reflect(i, length) * pixelStride];
      for (let i = 0; i < length; i++) {
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += kernel[k] * padded[i + k];
        dst[base + i * pixelStride] = acc;
      }
    }
  }
}

/** The gaussian_blur op: sigma uniform in the range. */
export function blurImage(image: FloatImage, sigma: readonly [number, number], rng: Rng): FloatImage {
  return gaussianBlur(image, rng.uniform(sigma[0], sigma[1]));
}
