/** Colour ops: color_jitter, grayscale, solarize. Saturation and hue do nothing on grey images. */
import type { Rng } from '../random.ts';
import { clamp01, luma, type FloatImage } from './image.ts';

export interface JitterStrength {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/** Multiplies every value by `factor`. */
export function adjustBrightness(image: FloatImage, factor: number): void {
  const d = image.data;
  for (let i = 0; i < d.length; i++) d[i] = clamp01(d[i] * factor);
}

/** Blends with the mean grey level of the whole image. */
export function adjustContrast(image: FloatImage, factor: number): void {
  const d = image.data;
  const mean = meanGrey(image);
  const offset = (1 - factor) * mean;
  for (let i = 0; i < d.length; i++) d[i] = clamp01(d[i] * factor + offset);
}

/** Blends every pixel with its own grey level. */
export function adjustSaturation(image: FloatImage, factor: number): void {
  if (image.channels !== 3) return;
  const d = image.data;
  for (let i = 0; i < d.length; i += 3) {
    const grey = (1 - factor) * luma(d[i], d[i + 1], d[i + 2]);
    d[i] = clamp01(d[i] * factor + grey);
    d[i + 1] = clamp01(d[i + 1] * factor + grey);
    d[i + 2] = clamp01(d[i + 2] * factor + grey);
  }
}

/** Rotates the hue by `shift` turns (in [-0.5, 0.5]) through HSV. */
export function adjustHue(image: FloatImage, shift: number): void {
  if (image.channels !== 3 || shift === 0) return;
  const d = image.data;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i];
    const g = d[i + 1];
    const b = d[i + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const chroma = max - min;
    if (chroma === 0) continue;
    let h: number;
    if (max === r) h = ((g - b) / chroma) % 6;
    else if (max === g) h = (b - r) / chroma + 2;
    else h = (r - g) / chroma + 4;
    h = h / 6 + shift;
    h -= Math.floor(h);
    const sector = h * 6;
    const x = chroma * (1 - Math.abs((sector % 2) - 1));
    let r1 = 0;
    let g1 = 0;
    let b1 = 0;
    if (sector < 1) [r1, g1] = [chroma, x];
    else if (sector < 2) [r1, g1] = [x, chroma];
    else if (sector < 3) [g1, b1] = [chroma, x];
    else if (sector < 4) [g1, b1] = [x, chroma];
    else if (sector < 5) [r1, b1] = [x, chroma];
    else [r1, b1] = [chroma, x];
    d[i] = r1 + min;
    d[i + 1] = g1 + min;
    d[i + 2] = b1 + min;
  }
}

/**
 * torchvision's ColorJitter: factors uniform in [max(0, 1 - s), 1 + s] (hue shift in [-h, h]),
 * the four adjustments applied in a random order. All draws happen even for zero strengths, so
 * the stream of random numbers does not depend on the settings.
 */
export function colorJitter(image: FloatImage, strength: JitterStrength, rng: Rng): FloatImage {
  const factor = (s: number) => rng.uniform(Math.max(0, 1 - s), 1 + s);
  const brightness = factor(strength.brightness);
  const contrast = factor(strength.contrast);
  const saturation = factor(strength.saturation);
  const hue = rng.uniform(-strength.hue, strength.hue);
  const order = rng.shuffle([0, 1, 2, 3]) as number[];
  for (const step of order) {
    if (step === 0 && strength.brightness > 0) adjustBrightness(image, brightness);
    else if (step === 1 && strength.contrast > 0) adjustContrast(image, contrast);
    else if (step === 2 && strength.saturation > 0) adjustSaturation(image, saturation);
    else if (step === 3 && strength.hue > 0) adjustHue(image, hue);
  }
  return image;
}

/** Replaces every channel by the luma (keeps the channel count). */
export function grayscale(image: FloatImage): FloatImage {
  if (image.channels !== 3) return image;
  const d = image.data;
  for (let i = 0; i < d.length; i += 3) d[i] = d[i + 1] = d[i + 2] = luma(d[i], d[i + 1], d[i + 2]);
  return image;
}

/** Inverts every value at or above `threshold`. */
export function solarize(image: FloatImage, threshold: number): FloatImage {
  const d = image.data;
  for (let i = 0; i < d.length; i++) if (d[i] >= threshold) d[i] = 1 - d[i];
  return image;
}

function meanGrey(image: FloatImage): number {
  const d = image.data;
  let sum = 0;
  if (image.channels === 3) {
    for (let i = 0; i < d.length; i += 3) sum += luma(d[i], d[i + 1], d[i + 2]);
    return sum / (d.length / 3);
  }
  for (let i = 0; i < d.length; i++) sum += d[i];
  return sum / d.length;
}
