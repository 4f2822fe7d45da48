import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../src/runtime/backend.ts';
import { registerFastGradients } from '../../src/runtime/kernels/index.ts';
import { batchNormTraining } from '../../src/runtime/kernels/batch-norm-training.ts';
import { Rng } from '../../src/runtime/random.ts';
import { expectNoLeaks } from './leaks.ts';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type Dims = [number, number, number, number];

function values(rng: Rng, shape: number[]): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * 2 - 1;
  return out;
}

/** Gradients of sum(op(x, w) * probe) with respect to x and w, computed on `backend`. */
async function gradsOn(
  backend: string,
  op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  x: Float32Array, xShape: Dims, w: Float32Array, wShape: Dims, probeSeed: number,
): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, xShape);
    const wt = tf.tensor4d(w, wShape);
    const outShape = op(xt, wt).shape;
    const probe = tf.tensor(values(new Rng(probeSeed), outShape), outShape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), probe)))([xt, wt]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).to.equal(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function expectSameGradients(
  label: string, op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, xShape: Dims, wShape: Dims,
): Promise<void> {
  const rng = new Rng(label.length);
  const x = values(rng, xShape);
  const w = values(rng, wShape);
  const reference = await gradsOn('cpu', op, x, xShape, w, wShape, 7);
  const fast = await gradsOn('wasm', op, x, xShape, w, wShape, 7);
  // Sums of at most a few hundred products of values in [-1, 1]: float32 rounding stays below 1e-4.
  expect(maxAbsDiff(fast.dx, reference.dx), `${label} dx`).to.be.below(1e-4);
  expect(maxAbsDiff(fast.dw, reference.dw), `${label} dw`).to.be.below(1e-4);
  expect(Math.max(...reference.dw.map(Math.abs)), `${label} non-trivial`).to.be.above(0.1);
}

const PADS: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [2, 0], [0, 0]]];

describe('fast gradient kernels (wasm against the cpu reference)', () => {
  before(async () => {
    await initBackend('wasm');
  });
  after(async () => {
    await tf.setBackend('wasm');
  });

  it('conv2d: input and filter gradients over shapes, kernels, strides and paddings', async () => {
    for (const [h, w, cin, cout] of [[7, 7, 3, 4], [8, 6, 1, 5]]) {
      for (const k of [1, 2, 3, 5]) {
        for (const stride of [1, 2, 3]) {
          for (const pad of PADS) {
            const label = `conv h${h} w${w} ${cin}->${cout} k${k} s${stride} pad ${JSON.stringify(pad)}`;
            await expectSameGradients(label, (x, f) => tf.conv2d(x, f, stride, pad), [2, h, w, cin], [k, k, cin, cout]);
          }
        }
      }
    }
  });

  it('conv2d: rectangular kernels and strides', async () => {
    await expectSameGradients('conv 3x1 s(2,1)', (x, f) => tf.conv2d(x, f, [2, 1], 'same'), [2, 9, 7, 2], [3, 1, 2, 3]);
    await expectSameGradients('conv 1x3 s(1,2)', (x, f) => tf.conv2d(x, f, [1, 2], 'valid'), [2, 6, 9, 2], [1, 3, 2, 3]);
  });

  // tfjs-core's depthwise gradient itself refuses dilations above 1, so none are tested.
  it('depthwise conv2d: gradients over multipliers, kernels, strides and paddings', async () => {
    for (const multiplier of [1, 2]) {
      for (const k of [1, 3, 5]) {
        for (const stride of [1, 2, 3]) {
          for (const pad of PADS) {
            const label = `dw m${multiplier} k${k} s${stride} pad ${JSON.stringify(pad)}`;
            await expectSameGradients(
              label,
              (x, f) => tf.depthwiseConv2d(x, f, stride, pad),
              [2, 9, 8, 3], [k, k, 3, multiplier],
            );
          }
        }
      }
    }
  });

  it('sum and mean agree with the cpu kernels for every axis set, with and without kept dims', async () => {
    const shape = [4, 5, 6, 3];
    const x = values(new Rng(3), shape);
    for (const axes of [[0, 1, 2], [1, 2], [0], [3], [2, 3], [0, 1, 2, 3], [0, 2], [1, 3]]) {
      for (const keepDims of [false, true]) {
        for (const reduce of [tf.sum, tf.mean]) {
          const results = [];
          for (const backend of ['cpu', 'wasm']) {
            await tf.setBackend(backend);
            results.push(tf.tidy(() => {
              const out = reduce(tf.tensor(x, shape), axes, keepDims);
              return { shape: out.shape, data: out.dataSync() as Float32Array };
            }));
          }
          const label = `${reduce === tf.sum ? 'sum' : 'mean'} ${axes} keepDims ${keepDims}`;
          expect(results[1].shape, label).to.deep.equal(results[0].shape);
          expect(maxAbsDiff(results[1].data, results[0].data), label).to.be.below(1e-5);
        }
      }
    }
  });

  it('matMul agrees with the cpu kernel for every transpose flag, batch broadcast and empty operand', async () => {
    const cases: { a: number[]; b: number[] }[] = [
      { a: [5, 7], b: [7, 3] }, { a: [2, 5, 7], b: [2, 7, 3] }, { a: [2, 5, 7], b: [1, 7, 3] },
      { a: [5, 7], b: [7, 0] }, { a: [0, 7], b: [7, 3] }, { a: [5, 0], b: [0, 3] },
    ];
    for (const { a, b } of cases) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
          const aShape = swap(a, transposeA);
          const bShape = swap(b, transposeB);
          const results = [];
          for (const backend of ['cpu', 'wasm']) {
            await tf.setBackend(backend);
            results.push(tf.tidy(() => {
              const out = tf.matMul(tf.tensor(values(new Rng(5), aShape), aShape), tf.tensor(values(new Rng(6), bShape), bShape), transposeA, transposeB);
              return { shape: out.shape, data: out.dataSync() as Float32Array };
            }));
          }
          const label = `${aShape} x ${bShape} transposeA ${transposeA} transposeB ${transposeB}`;
          expect(results[1].shape, label).to.deep.equal(results[0].shape);
          expect(maxAbsDiff(results[1].data, results[0].data), label).to.be.below(1e-5);
          // A product over an empty inner axis is exactly zero; raw XNNPACK leaves uninitialised memory (seen: 3.6e-41).
          if (a[a.length - 1] === 0) expect(Array.from(results[1].data).every((v) => v === 0), label).to.equal(true);
        }
      }
    }
  });

  it('the BatchNorm gradient matches autodiff of the same formula written with elementary ops', async () => {
    await tf.setBackend('wasm');
    const rng = new Rng(11);
    const shape = [4, 3, 5, 6];
    const x = tf.tensor(values(rng, shape), shape);
    const scale = tf.tensor(values(rng, [6]), [6]);
    const offset = tf.tensor(values(rng, [6]), [6]);
    const probe = tf.tensor(values(rng, shape), shape);
    const epsilon = 1e-3;
    const fused = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, o, s, epsilon), probe));
    };
    const elementary = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      const normalised = tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, epsilon)));
      return tf.sum(tf.mul(tf.add(tf.mul(normalised, s), o), probe));
    };
    const expected = tf.grads(elementary)([x, scale, offset]);
    const actual = tf.grads(fused)([x, scale, offset]);
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(actual[i].dataSync() as Float32Array, expected[i].dataSync() as Float32Array), `input ${i}`).to.be.below(1e-4);
      expect(Math.max(...(expected[i].dataSync() as Float32Array).map(Math.abs)), `input ${i} non-trivial`).to.be.above(0.01);
    }
    tf.dispose([x, scale, offset, probe, ...expected, ...actual]);
  });

  it('batchNormTraining: output, statistics and gradients match tf.moments + tf.batchNorm', async () => {
    await tf.setBackend('wasm');
    const rng = new Rng(5);
    for (const shape of [[4, 3, 5, 6], [8, 6]]) {
      const channels = shape[shape.length - 1];
      const axes = shape.slice(0, -1).map((_, i) => i);
      const x = tf.tensor(values(rng, shape).map((v) => 3 * v + 1), shape);
      const gamma = tf.tensor1d(values(rng, [channels]));
      const beta = tf.tensor1d(values(rng, [channels]));
      const probe = tf.tensor(values(rng, shape), shape);
      const reference = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, axes);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5), probe));
      };
      const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5), probe));
      const expected = tf.grads(reference)([x, gamma, beta]);
      const actual = tf.grads(fused)([x, gamma, beta]);
      for (let i = 0; i < 3; i++) {
        expect(maxAbsDiff(actual[i].dataSync() as Float32Array, expected[i].dataSync() as Float32Array), `${shape} grad ${i}`).to.be.below(1e-4);
      }
      const stats = tf.moments(x, axes);
      const seen: Float32Array[] = [];
      const tensorsBefore = tf.memory().numTensors;
      const y = batchNormTraining(x, gamma, beta, 1e-5, (mean, variance) => {
        seen.push(mean.dataSync() as Float32Array, variance.dataSync() as Float32Array);
      });
      expect(tf.memory().numTensors, 'only the output is left').to.equal(tensorsBefore + 1);
      expect(maxAbsDiff(seen[0], stats.mean.dataSync() as Float32Array)).to.be.below(1e-5);
      expect(maxAbsDiff(seen[1], stats.variance.dataSync() as Float32Array)).to.be.below(1e-4);
      const direct = tf.batchNorm(x, stats.mean, stats.variance, beta, gamma, 1e-5);
      expect(maxAbsDiff(y.dataSync() as Float32Array, direct.dataSync() as Float32Array)).to.be.below(1e-5);
      tf.dispose([x, gamma, beta, probe, ...expected, ...actual, stats.mean, stats.variance, y, direct]);
    }
  });

  it('batchNormTraining with groups: each group normalised, and differentiated, as a batch of its own', async () => {
    const rng = new Rng(6);
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      for (const [shape, groups] of [[[6, 3, 5, 4], 3], [[8, 6], 2]] as const) {
        const channels = shape[shape.length - 1];
        const x = tf.tensor(values(rng, [...shape]).map((v, i) => 3 * v + i / 10), [...shape]);
        const gamma = tf.tensor1d(values(rng, [channels]));
        const beta = tf.tensor1d(values(rng, [channels]));
        const probe = tf.tensor(values(rng, [...shape]), [...shape]);
        const seen: Float32Array[] = [];
        const grouped = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, (mean, variance) => {
          seen.push(mean.dataSync() as Float32Array, variance.dataSync() as Float32Array);
        }, true, groups), probe));
        const oneByOne = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat(tf.split(a, groups, 0).map((part) =>
          batchNormTraining(part, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, undefined, true))), probe));
        const actual = tf.grads(grouped)([x, gamma, beta]);
        const expected = tf.grads(oneByOne)([x, gamma, beta]);
        for (let i = 0; i < 3; i++) {
          expect(maxAbsDiff(actual[i].dataSync() as Float32Array, expected[i].dataSync() as Float32Array), `${backend} ${shape} grad ${i}`).to.be.below(1e-4);
        }
        // Statistics are group-major [G * C].
        const parts = tf.split(x, groups, 0).map((part) => tf.moments(part, part.shape.slice(0, -1).map((_, i) => i)));
        const means = Float32Array.from(parts.flatMap((p) => Array.from(p.mean.dataSync())));
        const variances = Float32Array.from(parts.flatMap((p) => Array.from(p.variance.dataSync())));
        expect(maxAbsDiff(seen[0], means), `${backend} ${shape} mean`).to.be.below(1e-5);
        expect(maxAbsDiff(seen[1], variances), `${backend} ${shape} variance`).to.be.below(1e-4);
        tf.dispose([x, gamma, beta, probe, ...actual, ...expected, ...parts.flatMap((p) => [p.mean, p.variance])]);
      }
    }
    await tf.setBackend('wasm');
  });

  it('leaves no tensor or backend buffer behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const d = tf.randomNormal([3, 3, 3, 2]) as tf.Tensor4D;
    const step = () => tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same');
        const { mean, variance } = tf.moments(y, [0, 1, 2]);
        const normalised = tf.batchNorm(y, mean, variance, tf.zeros([4]), tf.ones([4]), 1e-5);
        const rows = tf.reshape(y, [-1, 4]);
        const gram = tf.sum(tf.matMul(rows, rows, true, false));
        return tf.sum(tf.add(tf.add(normalised, gram), tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, c as tf.Tensor4D, 2, 'same'))));
      })([x, f, d]);
      g.forEach((t) => t.dataSync());
    });
    expectNoLeaks(step);
    tf.dispose([x, f, d]);
  });

  it('Identity shares the buffer (no copy): values kept after the source is disposed, the buffer freed with the last holder', async () => {
    await tf.setBackend('wasm');
    const buffers = tf.engine().backend.numDataIds();
    const x = tf.tensor([1, 2, 3]);
    const copy = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).to.equal(buffers + 1);
    x.dispose();
    expect(Array.from(copy.dataSync())).to.deep.equal([1, 2, 3]);
    copy.dispose();
    expect(tf.engine().backend.numDataIds()).to.equal(buffers);
    const strings = tf.tensor(['a', 'b']);
    const words = tf.clone(strings);
    expect(words.dataSync()).to.deep.equal(['a', 'b']);
    tf.dispose([strings, words]);
  });

  it('registers idempotently', async () => {
    registerFastGradients();
    registerFastGradients('wasm');
    await expectSameGradients('conv after re-registering', (x, f) => tf.conv2d(x, f, 2, 'same'), [2, 6, 6, 2], [3, 3, 2, 2]);
  });
});
