/**
 * synthetic: deterministic images with a clear cluster structure, for tests and smoke runs.
 * Every class has a template of three Gaussian blobs (fixed positions, widths and, in colour,
 * tints); an image is its class template shifted by up to a tenth of the side, scaled in
 * brightness and given pixel noise. Classes are balanced (image i has label i mod classes).
 * The data never depend on the experiment seed, so the fingerprint is stable.
 */
import { Rng } from '../random.ts';
import { DataError, fingerprintOf, type Dataset, type Split } from './dataset.ts';

const DATA_SEED = 0x5eed;
const BLOBS = 3;

export interface SyntheticOptions {
  classes?: number;
  size?: number;
  channels?: number;
  count?: number;
  testCount?: number;
}

export function makeSynthetic(options: SyntheticOptions = {}): Dataset {
  const classes = options.classes ?? 10;
  const size = options.size ?? 28;
  const channels = options.channels ?? 1;
  const count = options.count ?? 1000;
  const testCount = options.testCount ?? 200;
  for (const [name, value, min] of [
    ['classes', classes, 2],
    ['size', size, 4],
    ['count', count, 1],
    ['test_count', testCount, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new DataError(`synthetic: ${name} = ${value} must be an integer >= ${min}`);
  }
  if (channels !== 1 && channels !== 3) throw new DataError(`synthetic: channels = ${channels} must be 1 or 3`);
  const root = new Rng(DATA_SEED);
  const templates = Array.from({ length: classes }, (_, c) => template(size, channels, root.fork(`class ${c}`)));
  const shape = { height: size, width: size, channels, classes };
  const train = render(templates, size, channels, count, root.fork('train'));
  const test = render(templates, size, channels, testCount, root.fork('test'));
  const classNames = templates.map((_, c) => `class_${c}`);
  return { name: 'synthetic', ...shape, classNames, train, test, fingerprint: fingerprintOf(shape, train, test) };
}

/** size x size x channels floats in [0, 1]. */
function template(size: number, channels: number, rng: Rng): Float32Array {
  const out = new Float32Array(size * size * channels);
  for (let b = 0; b < BLOBS; b++) {
    const cy = rng.uniform(0.2, 0.8) * size;
    const cx = rng.uniform(0.2, 0.8) * size;
    const sigma = rng.uniform(0.06, 0.16) * size;
    const tint = Array.from({ length: channels }, () => (channels === 1 ? 1 : rng.uniform(0.2, 1)));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * sigma * sigma));
        for (let ch = 0; ch < channels; ch++) out[(y * size + x) * channels + ch] += v * tint[ch];
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, out[i]);
  return out;
}

function render(templates: Float32Array[], size: number, channels: number, count: number, rng: Rng): Split {
  const perImage = size * size * channels;
  const images = new Uint8Array(count * perImage);
  const labels = new Int32Array(count);
  const maxShift = Math.max(1, Math.floor(size / 10));
  for (let i = 0; i < count; i++) {
    const label = i % templates.length;
    labels[i] = label;
    const source = templates[label];
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const gain = rng.uniform(0.8, 1.1);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = y - dy;
        const sx = x - dx;
        const inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
        for (let ch = 0; ch < channels; ch++) {
          const base = inside ? source[(sy * size + sx) * channels + ch] * gain : 0;
          const v = base + 0.05 * rng.normal();
          images[i * perImage + (y * size + x) * channels + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return { images, labels, count };
}
