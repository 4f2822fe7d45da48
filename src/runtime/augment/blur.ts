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
  const { height, width, channels } = image;
  const kernel = gaussianKernel(sigma, Math.max(1, Math.min(height, width) - 1));
  const radius = (kernel.length - 1) >> 1;
  const src = image.data;
  const tmp = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      for (let ch = 0; ch < channels; ch++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          acc += kernel[k + radius] * src[(y * width + reflect(x + k, width)) * channels + ch];
        }
        tmp[o + ch] = acc;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      for (let ch = 0; ch < channels; ch++) {
        let acc = 0;
        for (let k = -radius; k <= radius; k++) {
          acc += kernel[k + radius] * tmp[(reflect(y + k, height) * width + x) * channels + ch];
        }
        src[o + ch] = acc;
      }
    }
  }
  return image;
}

/** The gaussian_blur op: sigma uniform in the range. */
export function blurImage(image: FloatImage, sigma: [number, number], rng: Rng): FloatImage {
  return gaussianBlur(image, rng.uniform(sigma[0], sigma[1]));
}
