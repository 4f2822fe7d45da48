/**
 * Augmentation pipelines: the op settings of an `augment { ... }` block (the language's names, MoCo v2
 * defaults), checked and compiled into one function per pipeline, and the per-view random stream.
 */
import { Rng } from '../random.ts';
import { blurImage } from './blur.ts';
import { colorJitter, grayscale, solarize } from './color.ts';
import { cutout, flipHorizontal, randomResizedCrop } from './geometry.ts';
import type { FloatImage } from './image.ts';

export type Range = readonly [number, number];

export type AugmentOp =
  | { op: 'random_resized_crop'; size?: number; scale?: Range; ratio?: Range }
  | { op: 'horizontal_flip'; p?: number }
  | { op: 'color_jitter'; brightness?: number; contrast?: number; saturation?: number; hue?: number; p?: number }
  | { op: 'grayscale'; p?: number }
  | { op: 'gaussian_blur'; sigma?: Range; p?: number }
  | { op: 'solarize'; threshold?: number; p?: number }
  | { op: 'cutout'; size?: number; p?: number };

export type AugmentOpName = AugmentOp['op'];

export class AugmentError extends Error {
  override name = 'AugmentError';
}

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface Pipeline {
  /** Shape of every image the pipeline returns. */
  output: ImageShape;
  apply(image: FloatImage, rng: Rng): FloatImage;
}

type Step = (image: FloatImage, rng: Rng) => FloatImage;

/** Checks the settings and builds the pipeline for images of shape `input`. */
export function compilePipeline(ops: readonly AugmentOp[], input: ImageShape): Pipeline {
  let shape: ImageShape = { height: input.height, width: input.width, channels: input.channels };
  const steps = ops.map((op, position) => {
    const compiled = compileOp(op, shape, `augment op ${position + 1} (${op.op})`);
    shape = compiled.output;
    return compiled.step;
  });
  return {
    output: shape,
    apply(image, rng) {
      let current = image;
      for (const step of steps) current = step(current, rng);
      return current;
    },
  };
}

/** The op runs with probability p (one coin per image and view). */
function withProbability(p: number, step: Step): Step {
  return (image, rng) => (rng.bernoulli(p) ? step(image, rng) : image);
}

/** The op's step and the shape of what it returns (only a crop changes the shape). */
function compileOp(op: AugmentOp, shape: ImageShape, where: string): { step: Step; output: ImageShape } {
  if (op.op === 'random_resized_crop') {
    const size = op.size ?? shape.height;
    const scale = op.scale ?? [0.2, 1.0];
    const ratio = op.ratio ?? [0.75, 4 / 3];
    checkInteger(size, 1, `${where}: size`);
    checkRange(scale, 0, 1, `${where}: scale`, true);
    checkRange(ratio, 0, Infinity, `${where}: ratio`, true);
    return {
      step: (image, rng) => randomResizedCrop(image, size, scale, ratio, rng),
      output: { height: size, width: size, channels: shape.channels },
    };
  }
  return { step: compileShapeKeepingOp(op, where), output: shape };
}

function compileShapeKeepingOp(op: Exclude<AugmentOp, { op: 'random_resized_crop' }>, where: string): Step {
  switch (op.op) {
    case 'horizontal_flip':
      return withProbability(probability(op.p ?? 0.5, where), (image) => flipHorizontal(image));
    case 'color_jitter': {
      const strength = {
        brightness: op.brightness ?? 0.4,
        contrast: op.contrast ?? 0.4,
        saturation: op.saturation ?? 0.4,
        hue: op.hue ?? 0.1,
      };
      for (const [key, value] of Object.entries(strength)) checkNumber(value, 0, Infinity, `${where}: ${key}`);
      checkNumber(strength.hue, 0, 0.5, `${where}: hue`);
      return withProbability(probability(op.p ?? 0.8, where), (image, rng) => colorJitter(image, strength, rng));
    }
    case 'grayscale':
      return withProbability(probability(op.p ?? 0.2, where), (image) => grayscale(image));
    case 'gaussian_blur': {
      const sigma = op.sigma ?? [0.1, 2.0];
      checkRange(sigma, 0, Infinity, `${where}: sigma`, true);
      return withProbability(probability(op.p ?? 0.5, where), (image, rng) => blurImage(image, sigma, rng));
    }
    case 'solarize': {
      const threshold = op.threshold ?? 0.5;
      checkNumber(threshold, 0, 1, `${where}: threshold`);
      return withProbability(probability(op.p ?? 0.2, where), (image) => solarize(image, threshold));
    }
    case 'cutout': {
      const size = op.size ?? 0.25;
      checkNumber(size, 0, 1, `${where}: size`);
      return withProbability(probability(op.p ?? 0.5, where), (image, rng) => cutout(image, size, rng));
    }
    default:
      throw new AugmentError(`unknown augment op '${(op as { op: string }).op}'`);
  }
}

function probability(p: number, where: string): number {
  checkNumber(p, 0, 1, `${where}: p`);
  return p;
}

function checkNumber(value: number, lo: number, hi: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new AugmentError(`${what} = ${value} is outside [${lo}, ${hi}]`);
  }
}

function checkInteger(value: number, lo: number, what: string): void {
  if (!Number.isInteger(value) || value < lo) throw new AugmentError(`${what} = ${value} must be an integer >= ${lo}`);
}

/** A `lo .. hi` range inside [min, max]; `positive` also rejects a zero lower end. */
function checkRange(range: Range, min: number, max: number, what: string, positive: boolean): void {
  const [lo, hi] = range;
  checkNumber(lo, min, max, `${what} lower end`);
  checkNumber(hi, min, max, `${what} upper end`);
  if (positive && lo <= 0) throw new AugmentError(`${what} lower end = ${lo} must be > 0`);
  if (lo > hi) throw new AugmentError(`${what} = ${lo} .. ${hi} has its lower end above its upper end`);
}

/** murmur3's 32-bit finaliser: every input bit flips about half of the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The random stream of one view of one image in one epoch. Derived from the coordinates alone,
 * so a view does not depend on batch order, worker count or timing, and resuming needs no state.
 */
export function viewRng(seed: number, epoch: number, index: number, view: number): Rng {
  const s0 = fmix32((seed ^ fmix32(epoch + 0x9e3779b9)) >>> 0);
  const s1 = fmix32((s0 ^ fmix32(index + 0x7f4a7c15)) >>> 0);
  const s2 = fmix32((s1 ^ fmix32(view + 0x165667b1)) >>> 0);
  const s3 = fmix32((s2 + 0x27d4eb2f) >>> 0) | 1;
  return new Rng([s0, s1, s2, s3 >>> 0]);
}
