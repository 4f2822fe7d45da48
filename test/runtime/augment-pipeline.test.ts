import { expect } from 'chai';
import type { FloatImage } from '../../src/runtime/augment/image.ts';
import { AugmentError, compilePipeline, viewRng, type AugmentOp } from '../../src/runtime/augment/pipeline.ts';

const MOCO_V2: AugmentOp[] = [
  { op: 'random_resized_crop', size: 12 },
  { op: 'color_jitter' },
  { op: 'grayscale' },
  { op: 'gaussian_blur' },
  { op: 'horizontal_flip' },
  { op: 'solarize' },
  { op: 'cutout' },
];

function noise(height: number, width: number, channels: number, seed: number): FloatImage {
  const rng = viewRng(seed, 0, 0, 0);
  const data = new Float32Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return { data, height, width, channels };
}

describe('augment pipeline', () => {
  it('gives the crop size as output shape and keeps values in [0, 1]', () => {
    const pipeline = compilePipeline(MOCO_V2, { height: 16, width: 16, channels: 3 });
    expect(pipeline.output).to.deep.equal({ height: 12, width: 12, channels: 3 });
    for (let i = 0; i < 30; i++) {
      const out = pipeline.apply(noise(16, 16, 3, i), viewRng(1, 0, i, 0));
      expect(out.data.length).to.equal(12 * 12 * 3);
      for (const v of out.data) expect(v).to.be.within(0, 1);
    }
  });

  it('crops to the input size by default', () => {
    expect(compilePipeline([{ op: 'random_resized_crop' }], { height: 28, width: 28, channels: 1 }).output.height).to.equal(28);
  });

  it('same seed, same view; another seed, epoch, image or view number gives another view', () => {
    const pipeline = compilePipeline(MOCO_V2, { height: 16, width: 16, channels: 3 });
    const view = (seed: number, epoch: number, index: number, n: number) =>
      Array.from(pipeline.apply(noise(16, 16, 3, 5), viewRng(seed, epoch, index, n)).data);
    const reference = view(1, 2, 3, 0);
    expect(view(1, 2, 3, 0)).to.deep.equal(reference);
    for (const other of [view(2, 2, 3, 0), view(1, 3, 3, 0), view(1, 2, 4, 0), view(1, 2, 3, 1)]) {
      expect(other).to.not.deep.equal(reference);
    }
  });

  it('p = 0 leaves the image alone and p = 1 always applies the op', () => {
    const shape = { height: 3, width: 4, channels: 1 };
    const image = noise(3, 4, 1, 0);
    const never = compilePipeline([{ op: 'horizontal_flip', p: 0 }, { op: 'solarize', p: 0 }], shape);
    expect(Array.from(never.apply({ ...image, data: image.data.slice() }, viewRng(0, 0, 0, 0)).data)).to.deep.equal(Array.from(image.data));
    const always = compilePipeline([{ op: 'horizontal_flip', p: 1 }], shape);
    for (let i = 0; i < 5; i++) {
      const out = always.apply({ ...image, data: image.data.slice() }, viewRng(0, 0, i, 0)).data;
      expect(out[0]).to.equal(image.data[3]);
    }
  });

  it('applies an op with probability close to p', () => {
    const shape = { height: 1, width: 2, channels: 1 };
    const pipeline = compilePipeline([{ op: 'horizontal_flip', p: 0.3 }], shape);
    let flipped = 0;
    for (let i = 0; i < 2000; i++) {
      const out = pipeline.apply({ data: new Float32Array([0, 1]), ...shape }, viewRng(9, 0, i, 0)).data;
      if (out[0] === 1) flipped++;
    }
    expect(flipped / 2000).to.be.closeTo(0.3, 0.04);
  });

  it('rejects bad settings with a message naming the op and the value', () => {
    const shape = { height: 8, width: 8, channels: 1 };
    const cases: [AugmentOp, RegExp][] = [
      [{ op: 'horizontal_flip', p: 1.5 }, /augment op 1 \(horizontal_flip\): p = 1.5 is outside \[0, 1\]/],
      [{ op: 'random_resized_crop', scale: [0.8, 0.2] }, /scale = 0.8 .. 0.2 has its lower end above its upper end/],
      [{ op: 'random_resized_crop', size: 0 }, /size = 0 must be an integer >= 1/],
      [{ op: 'gaussian_blur', sigma: [0, 1] }, /sigma lower end = 0 must be > 0/],
      [{ op: 'color_jitter', hue: 0.7 }, /hue = 0.7 is outside \[0, 0.5\]/],
      [{ op: 'solarize', threshold: -1 }, /threshold = -1 is outside/],
      [{ op: 'cutout', size: 2 }, /size = 2 is outside \[0, 1\]/],
      [{ op: 'sharpen' } as unknown as AugmentOp, /unknown augment op 'sharpen'/],
    ];
    for (const [op, message] of cases) {
      expect(() => compilePipeline([op], shape)).to.throw(AugmentError, message);
    }
  });
});
