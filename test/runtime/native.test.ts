/**
 * The native kernels (native/, src/runtime/kernels/native_*.ts): the addon's GEMM against a
 * float64 reference, and the convolutions registered on wasm against the cpu backend.
 *
 * When the addon is missing these tests fail if a C++ compiler is on PATH (the build should have
 * worked: that is a bug, and CI installs with g++), and are skipped with a warning otherwise (a
 * machine without a compiler runs the wasm kernels, which kernels.test.ts covers). REKD_NATIVE=0
 * skips them the same way, by request.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { defaultThreads, initBackend } from '../../src/runtime/backend.ts';
import { nativeAddon, nativeStatus, type CpuPath, type NativeAddon } from '../../src/runtime/kernels/native-addon.ts';
import { batchNormTraining } from '../../src/runtime/kernels/batch-norm-training.ts';
import { BATCH_NORM_TRAINING } from '../../src/runtime/kernels/native-batch-norm.ts';
import { linearCombination } from '../../src/runtime/kernels/linear-combination.ts';
import { hardSwish, swish } from '../../src/runtime/kernels/native-activations.ts';
import { Rng } from '../../src/runtime/random.ts';
import { expectNoLeaks } from './leaks.ts';

type Dims = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

function uniform(rng: Rng, count: number): Float32Array {
  return Float32Array.from({ length: count }, () => rng.uniform(-1, 1));
}

function worstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).to.equal(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}

function compilerPresent(): boolean {
  return spawnSync(process.env.CXX ?? 'g++', ['--version']).status === 0;
}

/** The addon, or a skip (with a loud warning) / failure as the file's comment says. */
function requireAddon(context: Mocha.Context): NativeAddon {
  const addon = nativeAddon();
  if (addon !== null) return addon;
  if (process.env.REKD_NATIVE !== '0' && compilerPresent()) {
    expect.fail(`${nativeStatus()}, but a C++ compiler is installed: run \`npm run build:native\` and fix what it reports`);
  }
  console.warn(`\n  WARNING: ${nativeStatus()}: the native kernel tests are skipped\n`);
  context.skip();
}

/** row-major (m x n) = op(a) * op(b) in float64, with a and b read through the given strides. */
function referenceProduct(m: number, n: number, k: number, a: Float32Array, as: [number, number], b: Float32Array, bs: [number, number]): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * as[0] + p * as[1]] * b[p * bs[0] + j * bs[1]];
      c[i * n + j] = sum;
    }
  }
  return c;
}

type Method = 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter' | 'depthwiseConv2d' | 'depthwiseConv2dBackpropInput'
  | 'depthwiseConv2dBackpropFilter' | 'batchNormForward' | 'batchNormBackward' | 'reluBackprop' | 'relu' | 'swish' | 'swishBackprop' | 'copy2d' | 'transposeLastTwo' | 'relu6' | 'relu6Backprop' | 'hardSwish' | 'hardSwishBackprop' | 'exp' | 'linearCombination' | 'reduceMiddle' | 'maxPoolBackprop'
  | 'binaryRepeat' | 'gemm';

/** Calls of the addon's `methods` while `body` runs, so a test knows the native path ran. */
async function countingCalls<T>(addon: NativeAddon, methods: Method[], body: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
  const calls: Record<string, number> = {};
  const originals = methods.map((name) => addon[name] as (...args: unknown[]) => void);
  methods.forEach((name, i) => {
    calls[name] = 0;
    (addon as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls[name]++;
      originals[i](...args);
    };
  });
  try {
    return { result: await body(), calls };
  } finally {
    methods.forEach((name, i) => { (addon as unknown as Record<string, unknown>)[name] = originals[i]; });
  }
}

/** The kernel paths of this CPU: avx2 always, avx512 where the CPU has it (unless REKD_CPU=avx2). */
function cpuPaths(addon: NativeAddon): CpuPath[] {
  const current = addon.cpuPath();
  try {
    addon.setCpuPath('avx512');
    return ['avx512', 'avx2'];
  } catch {
    return ['avx2'];
  } finally {
    addon.setCpuPath(current);
  }
}

function kernelConfigs(): { path: CpuPath; threads: number }[] {
  const addon = nativeAddon();
  const paths: CpuPath[] = addon === null ? ['avx2'] : cpuPaths(addon);
  return paths.flatMap((path) => [1, 2].map((threads) => ({ path, threads })));
}

/**
 * Every kernel of the addon called directly on inputs large enough to be split across threads
 * (several im2col chunks, filter-gradient parts, image groups, row parts): its outputs by name.
 */
function runEveryKernel(addon: NativeAddon): Record<string, Float32Array> {
  const rng = new Rng(21);
  const out: Record<string, Float32Array> = {};
  // [batch, inH, inW, inC, outH, outW, outC, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft]
  const conv = Int32Array.of(6, 12, 12, 24, 12, 12, 40, 3, 3, 1, 1, 1, 1, 1, 1);
  const strided = Int32Array.of(16, 12, 12, 24, 6, 6, 40, 3, 3, 2, 2, 1, 1, 1, 1);
  const pointwise = Int32Array.of(6, 12, 12, 24, 12, 12, 40, 1, 1, 1, 1, 1, 1, 0, 0);
  const depthwise = Int32Array.of(16, 16, 16, 48, 16, 16, 48, 3, 3, 1, 1, 1, 1, 1, 1);
  const pool = Int32Array.of(16, 16, 16, 48, 8, 8, 48, 2, 2, 2, 2, 1, 1, 0, 0);
  const size = (s: Int32Array, which: 'in' | 'out' | 'filter' | 'depthwiseFilter') =>
    which === 'in' ? s[0] * s[1] * s[2] * s[3] : which === 'out' ? s[0] * s[4] * s[5] * s[6]
      : which === 'filter' ? s[7] * s[8] * s[3] * s[6] : s[7] * s[8] * s[3];
  for (const [name, shape] of [['conv', conv], ['strided', strided], ['pointwise', pointwise]] as const) {
    const x = uniform(rng, size(shape, 'in'));
    const w = uniform(rng, size(shape, 'filter'));
    const dy = uniform(rng, size(shape, 'out'));
    addon.conv2d(x, w, out[`${name} y`] = new Float32Array(size(shape, 'out')), shape);
    addon.conv2dBackpropInput(dy, w, out[`${name} dx`] = new Float32Array(size(shape, 'in')), shape);
    addon.conv2dBackpropFilter(x, dy, out[`${name} dw`] = new Float32Array(size(shape, 'filter')), shape);
  }
  const dx = uniform(rng, size(depthwise, 'in'));
  const dw = uniform(rng, size(depthwise, 'depthwiseFilter'));
  const ddy = uniform(rng, size(depthwise, 'out'));
  addon.depthwiseConv2d(dx, dw, out['depthwise y'] = new Float32Array(ddy.length), depthwise);
  addon.depthwiseConv2dBackpropInput(ddy, dw, out['depthwise dx'] = new Float32Array(dx.length), depthwise);
  addon.depthwiseConv2dBackpropFilter(dx, ddy, out['depthwise dw'] = new Float32Array(dw.length), depthwise);
  addon.maxPoolBackprop(dx, uniform(rng, size(pool, 'out')), out['max-pool dx'] = new Float32Array(dx.length), pool);
  const channels = 48;
  const gamma = uniform(rng, channels);
  const beta = uniform(rng, channels);
  for (const relu of [false, true]) {
    const name = relu ? 'batch-norm+relu' : 'batch-norm';
    const [mean, variance, y] = [new Float32Array(channels), new Float32Array(channels), new Float32Array(dx.length)];
    addon.batchNormForward(dx, gamma, beta, 1e-5, relu, out[`${name} y`] = y, mean, variance);
    out[`${name} mean`] = mean;
    out[`${name} variance`] = variance;
    addon.batchNormBackward(ddy, dx, relu ? y : null, mean, variance, gamma, 1e-5, out[`${name} dx`] = new Float32Array(dx.length),
      out[`${name} dgamma`] = new Float32Array(channels), out[`${name} dbeta`] = new Float32Array(channels));
  }
  addon.reluBackprop(ddy, dx, out['relu dx'] = new Float32Array(dx.length));
  addon.relu(ddy, out.relu = new Float32Array(dx.length));
  addon.swish(ddy, out.swish = new Float32Array(dx.length));
  addon.relu6(ddy, out.relu6 = new Float32Array(dx.length));
  addon.copy2d(ddy, 5, 48, 2, out['strided copy'] = new Float32Array(dx.length), 1, 48, 1, ddy.length / 48 - 1, 20);
  addon.transposeLastTwo(ddy, out['swapped axes'] = new Float32Array(dx.length), ddy.length / 48, 2, 24);
  addon.relu6Backprop(dx, ddy, out['relu6 dx'] = new Float32Array(dx.length));
  addon.hardSwish(ddy, out['hard swish'] = new Float32Array(dx.length));
  addon.hardSwishBackprop(dx, ddy, out['hard swish dx'] = new Float32Array(dx.length));
  addon.swishBackprop(dx, ddy, out['swish dx'] = new Float32Array(dx.length));
  addon.linearCombination(out['linear combination'] = new Float32Array(dx.length), 0.9, dx, -0.1, ddy, 0.5, dx);
  addon.exp(ddy, out.exp = new Float32Array(dx.length));
  addon.reduceMiddle(dx, out['sum over rows'] = new Float32Array(channels), 1, dx.length / channels, channels, false);
  addon.reduceMiddle(dx, out['mean per image'] = new Float32Array(16 * channels), 16, dx.length / channels / 16, channels, true);
  addon.binaryRepeat(0, dx, gamma, out['add per channel'] = new Float32Array(dx.length), false);
  addon.binaryRepeat(2, dx, Float32Array.of(3), out['multiply by a scalar'] = new Float32Array(dx.length), false);
  const [m, n, k] = [300, 200, 600];
  addon.gemm(m, n, k, uniform(rng, m * k), k, 1, uniform(rng, k * n), 1, k, out.gemm = new Float32Array(m * n), n, false);
  return out;
}

describe('native kernels', () => {
  let addon: NativeAddon;

  let defaultPath: CpuPath;

  before(async function () {
    addon = requireAddon(this);
    await initBackend('wasm', { log: () => {} });
    defaultPath = addon.cpuPath();
  });

  // Every numeric test runs on each kernel path the CPU has and at 1 and 2 threads; the shapes
  // marked "parallel" are large enough for the kernels to split their work.
  for (const { path, threads } of kernelConfigs()) {
    describe(`${path}, ${threads} thread${threads === 1 ? '' : 's'}`, () => {
      before(() => {
        addon.setCpuPath(path);
        addon.setThreads(threads);
      });
      after(() => {
        addon.setCpuPath(defaultPath);
        addon.setThreads(defaultThreads());
      });

    describe('gemm', () => {
      // Sizes straddle the register tile (6 x 16), the row block (144) and the depth block (256).
      const sizes: [number, number, number][] = [[1, 1, 1], [7, 17, 5], [6, 16, 256], [145, 33, 513], [13, 3, 300]];

      it('matches a float64 product for odd sizes and every operand layout', () => {
        const rng = new Rng(1);
        for (const [m, n, k] of sizes) {
          const a = uniform(rng, m * k);
          const b = uniform(rng, k * n);
          for (const transposeA of [false, true]) {
            for (const transposeB of [false, true]) {
              const as: [number, number] = transposeA ? [1, m] : [k, 1];
              const bs: [number, number] = transposeB ? [1, k] : [n, 1];
              const c = new Float32Array(m * n);
              addon.gemm(m, n, k, a, as[0], as[1], b, bs[0], bs[1], c, n, false);
              const label = `${m}x${n}x${k} transposeA ${transposeA} transposeB ${transposeB}`;
              // Up to 513 products of values in [-1, 1]: float32 accumulation stays within 1e-4.
              expect(worstDifference(c, referenceProduct(m, n, k, a, as, b, bs)), label).to.be.below(1e-4);
            }
          }
        }
      });

      it('accumulates into C and leaves the columns past n (ldc > n) untouched', () => {
        const rng = new Rng(2);
        const [m, n, k, ldc] = [9, 18, 20, 21];
        const a = uniform(rng, m * k);
        const b = uniform(rng, k * n);
        const c = uniform(rng, m * ldc);
        const before = c.slice();
        addon.gemm(m, n, k, a, k, 1, b, n, 1, c, ldc, true);
        const product = referenceProduct(m, n, k, a, [k, 1], b, [n, 1]);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < ldc; j++) {
            const expected = j < n ? before[i * ldc + j] + product[i * n + j] : before[i * ldc + j];
            expect(Math.abs(c[i * ldc + j] - expected), `(${i}, ${j})`).to.be.below(1e-4);
          }
        }
      });

      it('refuses arrays too small for the sizes, naming the operand', () => {
        const small = new Float32Array(5);
        expect(() => addon.gemm(2, 3, 4, small, 4, 1, new Float32Array(12), 3, 1, new Float32Array(6), 3, false))
          .to.throw(RangeError, 'a holds 5 floats, needs 8');
      });
    });

    describe('convolutions on wasm against the cpu backend', () => {
      /** y, dx and dw of sum(conv2d(x, w) * probe) (or depthwiseConv2d) on `backend`. */
      async function convAndGradients(backend: string, x: tf.Tensor4D, w: tf.Tensor4D, stride: number | [number, number], pad: Pad, dilation: number, depthwise: boolean) {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const xs = tf.tensor4d(x.dataSync(), x.shape);
          const ws = tf.tensor4d(w.dataSync(), w.shape);
          const op = depthwise ? tf.depthwiseConv2d : tf.conv2d;
          const conv = (a: tf.Tensor, b: tf.Tensor) => op(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation);
          const y = conv(xs, ws);
          const probe = tf.tensor(uniform(new Rng(9), y.size), y.shape);
          // tfjs has no gradients for dilated convolutions.
          const grads = dilation === 1 ? tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), probe)))([xs, ws]) : [];
          return { y: y.dataSync(), dx: grads[0]?.dataSync(), dw: grads[1]?.dataSync() };
        });
      }

      async function expectSame(label: string, xShape: Dims, wShape: Dims, stride: number | [number, number], pad: Pad, dilation = 1, depthwise = false): Promise<Record<string, number>> {
        const rng = new Rng(label.length);
        const x = tf.tensor4d(uniform(rng, xShape.reduce((p, d) => p * d)), xShape);
        const w = tf.tensor4d(uniform(rng, wShape.reduce((p, d) => p * d)), wShape);
        try {
          const reference = await convAndGradients('cpu', x, w, stride, pad, dilation, depthwise);
          const convs: Method[] = depthwise
            ? ['depthwiseConv2d', 'depthwiseConv2dBackpropInput', 'depthwiseConv2dBackpropFilter']
            : ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'];
          const { result: native, calls } = await countingCalls(addon, convs, () => convAndGradients('wasm', x, w, stride, pad, dilation, depthwise));
          // Sums of at most ~600 products of values in [-1, 1]: float32 rounding stays below 1e-4.
          expect(worstDifference(native.y, reference.y), `${label} y`).to.be.below(1e-4);
          if (dilation === 1) {
            expect(worstDifference(native.dx!, reference.dx!), `${label} dx`).to.be.below(1e-4);
            expect(worstDifference(native.dw!, reference.dw!), `${label} dw`).to.be.below(1e-4);
          }
          return calls;
        } finally {
          await tf.setBackend('wasm');
          tf.dispose([x, w]);
        }
      }

      // The models pass a number (k // 2, as PyTorch).
      const PADS: Pad[] = ['same', 'valid', 1, [[0, 0], [1, 2], [2, 0], [0, 0]]];

      it('forward, input and filter gradients over shapes, kernels, strides and paddings', async () => {
        for (const [h, w, cin, cout] of [[7, 7, 3, 4], [8, 6, 1, 5]]) {
          for (const k of [1, 2, 3, 5]) {
            for (const stride of [1, 2, 3]) {
              for (const pad of PADS) {
                const label = `h${h} w${w} ${cin}->${cout} k${k} s${stride} pad ${JSON.stringify(pad)}`;
                const calls = await expectSame(label, [2, h, w, cin], [k, k, cin, cout], stride, pad);
                // The forward runs twice: once for y, once under tf.grads.
                expect(calls, label).to.deep.equal({ conv2d: 2, conv2dBackpropInput: 1, conv2dBackpropFilter: 1 });
              }
            }
          }
        }
      });

      it('rectangular kernels and strides, dilations (forward), 1x1 convolutions and several im2col chunks', async () => {
        await expectSame('3x1 s(2,1)', [2, 9, 7, 2], [3, 1, 2, 3], [2, 1], 'same');
        await expectSame('1x3 s(1,2)', [2, 6, 9, 2], [1, 3, 2, 3], [1, 2], 'valid');
        await expectSame('3x3 dilation 2', [2, 9, 9, 3], [3, 3, 3, 4], 1, 'same', 2);
        await expectSame('2x3 dilation 3 valid', [1, 10, 11, 2], [2, 3, 2, 5], 1, 'valid', 3);
        await expectSame('1x1 pointwise', [3, 5, 4, 20], [1, 1, 20, 17], 1, 'valid');
        await expectSame('1x1 stride 2 (shortcut)', [2, 7, 7, 6], [1, 1, 6, 9], 2, 'valid');
        // 16+ input channels at stride 1: the input gradient runs as a forward convolution...
        await expectSame('3x3 16->5 valid', [2, 7, 6, 16], [3, 3, 16, 5], 1, 'valid');
        await expectSame('2x3 16->4 explicit pad', [2, 6, 7, 16], [2, 3, 16, 4], 1, [[0, 0], [1, 0], [2, 0], [0, 0]]);
        // ... unless the padding exceeds the filter extent.
        await expectSame('2x2 16->4 pad beyond the filter', [2, 5, 5, 16], [2, 2, 16, 4], 1, [[0, 0], [2, 0], [0, 1], [0, 0]]);
        // 578 output pixels with 576-wide patches: two im2col chunks, three depth blocks.
        await expectSame('3x3 64->8 two chunks', [2, 17, 17, 64], [3, 3, 64, 8], 1, 'same');
      });

      it('depthwise (multiplier 1): forward, input and filter gradients over kernels, strides and paddings', async () => {
        for (const [h, w, channels] of [[7, 7, 3], [8, 6, 17]]) {
          for (const k of [3, 5]) {
            for (const stride of [1, 2]) {
              for (const pad of PADS) {
                const label = `depthwise h${h} w${w} c${channels} k${k} s${stride} pad ${JSON.stringify(pad)}`;
                const calls = await expectSame(label, [2, h, w, channels], [k, k, channels, 1], stride, pad, 1, true);
                expect(calls, label).to.deep.equal({ depthwiseConv2d: 2, depthwiseConv2dBackpropInput: 1, depthwiseConv2dBackpropFilter: 1 });
              }
            }
          }
        }
      });

      it('depthwise with a multiplier or a dilation goes to the kernels it replaced, and agrees', async () => {
        const none = { depthwiseConv2d: 0, depthwiseConv2dBackpropInput: 0, depthwiseConv2dBackpropFilter: 0 };
        // The replaced input gradient runs one multiplier-1 depthwise convolution (natively).
        expect(await expectSame('depthwise multiplier 2', [2, 7, 7, 3], [3, 3, 3, 2], 2, 'same', 1, true)).to.deep.equal({ ...none, depthwiseConv2d: 1 });
        expect(await expectSame('depthwise dilation 2', [2, 9, 9, 4], [3, 3, 4, 1], 1, 'same', 2, true)).to.deep.equal(none);
      });

      it('is deterministic and leaks no tensors or wasm buffers', async () => {
        await tf.setBackend('wasm');
        const rng = new Rng(4);
        const x = tf.tensor4d(uniform(rng, 2 * 9 * 9 * 8), [2, 9, 9, 8]);
        const w = tf.tensor4d(uniform(rng, 3 * 3 * 8 * 16), [3, 3, 8, 16]);
        const depthwiseFilter = tf.tensor4d(uniform(rng, 3 * 3 * 8), [3, 3, 8, 1]);
        const step = () => tf.tidy(() => {
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))))([x, w]);
          const [ddx, ddw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))))([x, depthwiseFilter]);
          return [...dx.dataSync(), ...dw.dataSync(), ...ddx.dataSync(), ...ddw.dataSync()];
        });
        const first = step();
        const tensors = tf.memory().numTensors;
        const buffers = tf.engine().backend.numDataIds();
        for (let i = 0; i < 3; i++) expect(step()).to.deep.equal(first);
        expect(tf.memory().numTensors).to.equal(tensors);
        expect(tf.engine().backend.numDataIds()).to.equal(buffers);
        // A failing native call frees the output it was given and reports its error.
        const conv2d = addon.conv2d;
        addon.conv2d = () => { throw new RangeError('refused'); };
        try {
          expect(() => tf.conv2d(x, w, 1, 'same')).to.throw(RangeError, 'refused');
        } finally {
          addon.conv2d = conv2d;
        }
        expect(tf.engine().backend.numDataIds()).to.equal(buffers);
        tf.dispose([x, w, depthwiseFilter]);
      });
    });

    it('sum and mean over contiguous axes agree with the cpu backend (natively), others too (fallback)', async () => {
      const shape = [4, 5, 6, 3];
      const x = uniform(new Rng(3), 360);
      for (const axes of [[0, 1, 2], [1, 2], [0], [3], [0, 1, 2, 3], [0, 2]]) {
        for (const reduce of [tf.sum, tf.mean]) {
          const results: Record<string, { shape: number[]; data: Float32Array }> = {};
          let calls: Record<string, number> = {};
          for (const backend of ['cpu', 'wasm']) {
            await tf.setBackend(backend);
            const run = () => Promise.resolve(tf.tidy(() => {
              const out = reduce(tf.tensor(x, shape), axes, true);
              return { shape: out.shape, data: out.dataSync() as Float32Array };
            }));
            if (backend === 'cpu') results.cpu = await run();
            else ({ result: results.wasm, calls } = await countingCalls(addon, ['reduceMiddle'], run));
          }
          const label = `${reduce === tf.sum ? 'sum' : 'mean'} over ${axes}`;
          expect(results.wasm.shape, label).to.deep.equal(results.cpu.shape);
          expect(worstDifference(results.wasm.data, results.cpu.data), label).to.be.below(1e-5);
          // [0, 2] is not contiguous: the kernel it replaced runs it.
          expect(calls.reduceMiddle, label).to.equal(axes.join() === '0,2' ? 0 : 1);
        }
      }
    });

    it('the max-pool gradient agrees with the cpu backend, ties (after ReLU) included', async () => {
      const shape: Dims = [2, 7, 6, 3];
      // Quarter steps, half of them clipped to 0: most windows hold equal values.
      const x = uniform(new Rng(6), 252).map((v) => Math.max(0, Math.round(v * 4) / 4));
      for (const size of [2, 3]) {
        for (const stride of [1, 2]) {
          for (const pad of ['valid', 'same'] as const) {
            const gradients: Record<string, Float32Array> = {};
            let calls: Record<string, number> = {};
            for (const backend of ['cpu', 'wasm']) {
              await tf.setBackend(backend);
              const run = () => Promise.resolve(tf.tidy(() => {
                const pooled = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, pad);
                const probe = tf.tensor(uniform(new Rng(8), pooled(tf.zeros(shape)).size), pooled(tf.zeros(shape)).shape);
                return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pooled(a), probe)))(tf.tensor4d(x, shape)).dataSync() as Float32Array;
              }));
              if (backend === 'cpu') gradients.cpu = await run();
              else ({ result: gradients.wasm, calls } = await countingCalls(addon, ['maxPoolBackprop'], run));
            }
            const label = `max pool ${size} stride ${stride} ${pad}`;
            expect(worstDifference(gradients.wasm, gradients.cpu), label).to.be.below(1e-6);
            expect(calls.maxPoolBackprop, label).to.equal(1);
          }
        }
      }
    });

    it('add, sub and multiply agree with the cpu backend when one operand repeats (natively), others too (fallback)', async () => {
      const cases: [number[], number[], boolean][] = [
        [[2, 3, 4, 5], [2, 3, 4, 5], true], [[2, 3, 4, 5], [5], true], [[5], [2, 3, 4, 5], true],
        [[2, 3, 4, 5], [1, 1, 1, 5], true], [[2, 3, 4, 5], [], true], [[], [2, 3, 4, 5], true],
        [[2, 3, 4, 5], [4, 5], true], [[2, 3, 4, 5], [2, 1, 1, 5], false], [[2, 1, 4, 1], [1, 3, 1, 5], false],
      ];
      const rng = new Rng(12);
      for (const [aShape, bShape, native] of cases) {
        const a = uniform(rng, aShape.reduce((p, d) => p * d, 1));
        const b = uniform(rng, bShape.reduce((p, d) => p * d, 1));
        for (const op of [tf.add, tf.sub, tf.mul]) {
          const results: Record<string, { shape: number[]; data: Float32Array }> = {};
          let calls: Record<string, number> = {};
          for (const backend of ['cpu', 'wasm']) {
            await tf.setBackend(backend);
            const run = () => Promise.resolve(tf.tidy(() => {
              const out = op(tf.tensor(a, aShape), tf.tensor(b, bShape));
              return { shape: out.shape, data: out.dataSync() as Float32Array };
            }));
            if (backend === 'cpu') results.cpu = await run();
            else ({ result: results.wasm, calls } = await countingCalls(addon, ['binaryRepeat'], run));
          }
          const label = `${op.name} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`;
          expect(results.wasm.shape, label).to.deep.equal(results.cpu.shape);
          expect(worstDifference(results.wasm.data, results.cpu.data), label).to.equal(0);
          expect(calls.binaryRepeat, label).to.equal(native ? 1 : 0);
        }
      }
    });

    it('matMul agrees with the cpu backend for every transpose flag and batch (natively), broadcast batches too (fallback)', async () => {
      const rng = new Rng(13);
      const cases: [number[], number[], number][] = [[[5, 7], [7, 3], 1], [[3, 5, 7], [3, 7, 17], 3], [[2, 5, 7], [1, 7, 3], 0]];
      for (const [a, b, gemmCalls] of cases) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
            const [aShape, bShape] = [swap(a, transposeA), swap(b, transposeB)];
            const [aValues, bValues] = [uniform(rng, aShape.reduce((p, d) => p * d)), uniform(rng, bShape.reduce((p, d) => p * d))];
            const results: Record<string, Float32Array> = {};
            let calls: Record<string, number> = {};
            for (const backend of ['cpu', 'wasm']) {
              await tf.setBackend(backend);
              const run = () => Promise.resolve(tf.tidy(() =>
                tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), transposeA, transposeB).dataSync() as Float32Array));
              if (backend === 'cpu') results.cpu = await run();
              else ({ result: results.wasm, calls } = await countingCalls(addon, ['gemm'], run));
            }
            const label = `${aShape} x ${bShape} transposeA ${transposeA} transposeB ${transposeB}`;
            expect(worstDifference(results.wasm, results.cpu), label).to.be.below(1e-5);
            expect(calls.gemm, label).to.equal(gemmCalls);
          }
        }
      }
    });

    it('batchNormTraining (with and without a fused ReLU) runs natively on wasm: y, statistics and gradients match tf.moments + tf.batchNorm (+ tf.relu) on cpu', async () => {
      const rng = new Rng(14);
      // 40 channels: full AVX2 vectors and a remainder; an offset of 10 against a spread of 3 tests
      // the variance's cancellation.
      for (const [shape, relu] of [[4, 3, 5, 6], [8, 6], [2, 3, 3, 40]].flatMap((s) => [[s, false], [s, true]] as const)) {
        const channels = shape[shape.length - 1];
        const axes = shape.slice(0, -1).map((_, i) => i);
        const x = uniform(rng, shape.reduce((p, d) => p * d)).map((v) => 3 * v + 10);
        const [gamma, beta] = [uniform(rng, channels), uniform(rng, channels)];
        const probe = uniform(rng, x.length);
        const results: Record<string, Float32Array[]> = {};
        let calls: Record<string, number> = {};
        for (const backend of ['cpu', 'wasm']) {
          await tf.setBackend(backend);
          const run = () => Promise.resolve(tf.tidy(() => {
            const seen: Float32Array[] = [];
            const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
              let y: tf.Tensor;
              if (backend === 'cpu') {
                const { mean, variance } = tf.moments(a, axes);
                seen.push(mean.dataSync() as Float32Array, variance.dataSync() as Float32Array);
                y = tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5);
                if (relu) y = tf.relu(y);
              } else {
                y = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, (mean, variance) => {
                  seen.push(mean.dataSync() as Float32Array, variance.dataSync() as Float32Array);
                }, relu);
              }
              seen.push(y.dataSync() as Float32Array);
              return tf.sum(tf.mul(y, tf.tensor(probe, shape)));
            };
            const grads = tf.grads(loss)([tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)]);
            return [...seen, ...grads.map((t) => t.dataSync() as Float32Array)];
          }));
          if (backend === 'cpu') results.cpu = await run();
          else ({ result: results.wasm, calls } = await countingCalls(addon, ['batchNormForward', 'batchNormBackward'], run));
        }
        ['mean', 'variance', 'y', 'dx', 'dgamma', 'dbeta'].forEach((name, i) => {
          expect(worstDifference(results.wasm[i], results.cpu[i]), `${shape} relu ${relu} ${name}`).to.be.below(1e-4);
        });
        // The fused ReLU leaves no ReLU kernel and no ReLU gradient.
        expect(calls, `${shape}`).to.deep.equal({ batchNormForward: 1, batchNormBackward: 1 });
      }
      // Only wasm (with the addon) has the kernels: other backends keep the tf-op composition.
      expect(tf.getKernel(BATCH_NORM_TRAINING, 'wasm')).to.not.equal(undefined);
      expect(tf.getKernel(BATCH_NORM_TRAINING, 'cpu')).to.equal(undefined);
    });

    it('ReLU and its gradient run natively on wasm (one pass each) and agree with the cpu backend, zeros and NaN included', async () => {
      const shape = [3, 5, 7, 9];
      // Quarter steps: many exact zeros, where the gradient is 0 as in tfjs.
      const x = uniform(new Rng(16), 945).map((v) => Math.round(v * 4) / 4);
      const probe = uniform(new Rng(17), 945);
      const gradients: Record<string, Float32Array> = {};
      let calls: Record<string, number> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const run = () => Promise.resolve(tf.tidy(() =>
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), tf.tensor(probe, shape))))(tf.tensor(x, shape)).dataSync() as Float32Array));
        if (backend === 'cpu') gradients.cpu = await run();
        else ({ result: gradients.wasm, calls } = await countingCalls(addon, ['reluBackprop', 'relu'], run));
        const forward = tf.tidy(() => tf.relu(tf.tensor([-1, 0, 2.5, NaN, -0])).dataSync());
        expect(Array.from(forward), backend).to.deep.equal([0, 0, 2.5, NaN, 0]);
      }
      expect(worstDifference(gradients.wasm, gradients.cpu)).to.equal(0);
      expect(calls).to.deep.equal({ reluBackprop: 1, relu: 1 });
    });

    it('swish x sigmoid(x) and its gradient run natively on wasm (one kernel each way) and agree with tf ops on cpu', async () => {
      const shape = [4, 5, 6, 7];
      const x = uniform(new Rng(20), 840).map((v) => v * 12);
      const probe = uniform(new Rng(21), 840);
      const results: Record<string, Float32Array[]> = {};
      let calls: Record<string, number> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const run = () => Promise.resolve(tf.tidy(() => {
          const input = tf.tensor(x, shape);
          const y = swish(input);
          const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(swish(a), tf.tensor(probe, shape))))(input);
          return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array];
        }));
        if (backend === 'cpu') results.cpu = await run();
        else ({ result: results.wasm, calls } = await countingCalls(addon, ['swish', 'swishBackprop'], run));
      }
      expect(worstDifference(results.wasm[0], results.cpu[0]), 'y').to.be.below(1e-5);
      expect(worstDifference(results.wasm[1], results.cpu[1]), 'dx').to.be.below(1e-5);
      // The forward runs twice: once for y, once under tf.grad.
      expect(calls).to.deep.equal({ swish: 2, swishBackprop: 1 });
    });

    it('ReLU6 and hard swish with their gradients run natively on wasm and agree with tf ops on cpu, at the kinks too', async () => {
      const kinks = [-3, 0, 3, 6, -0, 2.999, 3.001, -3.001];
      const x = Float32Array.from([...uniform(new Rng(22), 832).map((v) => v * 9), ...kinks]);
      const probe = uniform(new Rng(23), x.length);
      const results: Record<string, Float32Array[]> = {};
      let calls: Record<string, number> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const run = () => Promise.resolve(tf.tidy(() => {
          const input = tf.tensor(x);
          const loss = (f: (t: tf.Tensor) => tf.Tensor) => (a: tf.Tensor) => tf.sum(tf.mul(f(a), tf.tensor(probe)));
          return [tf.relu6(input), tf.grad(loss(tf.relu6))(input), hardSwish(input), tf.grad(loss(hardSwish))(input)]
            .map((t) => t.dataSync() as Float32Array);
        }));
        if (backend === 'cpu') results.cpu = await run();
        else ({ result: results.wasm, calls } = await countingCalls(addon, ['relu6', 'relu6Backprop', 'hardSwish', 'hardSwishBackprop'], run));
      }
      ['relu6', 'relu6 dx', 'hard swish', 'hard swish dx'].forEach((name, i) => {
        expect(worstDifference(results.wasm[i], results.cpu[i]), name).to.be.below(1e-6);
      });
      expect(calls).to.deep.equal({ relu6: 2, relu6Backprop: 1, hardSwish: 2, hardSwishBackprop: 1 });
    });

    it('channel split, concatenation and shuffle (last-two-axes transpose) run natively on wasm and agree with the cpu backend, gradients too', async () => {
      const shape = [3, 4, 5, 12];
      const x = uniform(new Rng(24), 720);
      const probe = uniform(new Rng(25), 720);
      const results: Record<string, Float32Array[]> = {};
      let calls: Record<string, number> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const run = () => Promise.resolve(tf.tidy(() => {
          // ShuffleNet's unit: split in two, transform one half, concatenate, shuffle two groups.
          const unit = (a: tf.Tensor) => {
            const [left, right, rest] = tf.split(a, [4, 6, 2], -1);
            const joined = tf.concat([tf.mul(right, 2), left, rest], 3);
            return tf.reshape(tf.transpose(tf.reshape(joined, [3, 4, 5, 2, 6]), [0, 1, 2, 4, 3]), shape);
          };
          const input = tf.tensor(x, shape);
          const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(unit(a), tf.tensor(probe, shape))))(input);
          return [unit(input).dataSync() as Float32Array, dx.dataSync() as Float32Array];
        }));
        if (backend === 'cpu') results.cpu = await run();
        else ({ result: results.wasm, calls } = await countingCalls(addon, ['copy2d', 'transposeLastTwo'], run));
      }
      expect(worstDifference(results.wasm[0], results.cpu[0]), 'y').to.equal(0);
      expect(worstDifference(results.wasm[1], results.cpu[1]), 'dx').to.equal(0);
      // Forward twice (3 split parts, 3 concatenated, 1 shuffle) and the gradients back through them.
      expect(calls).to.deep.equal({ copy2d: 18, transposeLastTwo: 3 });
    });

    it('exp runs natively on wasm and agrees with the cpu backend within 2 ulp, over and under flow included', async () => {
      const values = Float32Array.from([...uniform(new Rng(19), 997).map((v) => v * 30), 0, -0, 88.7, 89, -103, -104, 1e-30, Infinity, -Infinity, NaN]);
      const results: Record<string, Float32Array> = {};
      let calls: Record<string, number> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const run = () => Promise.resolve(tf.tidy(() => tf.exp(tf.tensor(values)).dataSync() as Float32Array));
        if (backend === 'cpu') results.cpu = await run();
        else ({ result: results.wasm, calls } = await countingCalls(addon, ['exp'], run));
      }
      results.cpu.forEach((expected, i) => {
        const actual = results.wasm[i];
        if (!Number.isFinite(expected) || expected === 0) expect(Object.is(actual, expected) || actual === expected, `exp(${values[i]})`).to.equal(true);
        else expect(Math.abs(actual - expected) / expected, `exp(${values[i]})`).to.be.below(2.5e-7);
      });
      expect(calls.exp).to.equal(1);
    });

    it('linearCombination runs natively on wasm (one pass, two or three terms) and agrees with tf ops on cpu', async () => {
      const rng = new Rng(18);
      const [x, y, z] = [uniform(rng, 300), uniform(rng, 300), uniform(rng, 300)];
      const results: Record<string, Float32Array[]> = {};
      let calls: Record<string, number> = {};
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const run = () => Promise.resolve(tf.tidy(() => {
          const [xs, ys, zs] = [tf.tensor(x, [3, 100]), tf.tensor(y, [3, 100]), tf.tensor(z, [3, 100])];
          return [linearCombination([xs, 0.9], [ys, 0.1]), linearCombination([xs, 1], [ys, -0.25], [zs, 3])].map((t) => t.dataSync() as Float32Array);
        }));
        if (backend === 'cpu') results.cpu = await run();
        else ({ result: results.wasm, calls } = await countingCalls(addon, ['linearCombination'], run));
      }
      results.wasm.forEach((values, i) => expect(worstDifference(values, results.cpu[i]), `case ${i}`).to.be.below(1e-6));
      expect(calls.linearCombination).to.equal(2);
    });

    it('native batchNormTraining leaks no tensors or wasm buffers', async () => {
      await tf.setBackend('wasm');
      const x = tf.tensor4d(uniform(new Rng(15), 2 * 4 * 4 * 8), [2, 4, 4, 8]);
      const [gamma, beta] = [tf.ones([8]) as tf.Tensor1D, tf.zeros([8]) as tf.Tensor1D];
      const step = () => tf.tidy(() => {
        tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5))))([x, gamma, beta])
          .forEach((t) => t.dataSync());
      });
      expectNoLeaks(step);
      tf.dispose([x, gamma, beta]);
    });
    });
  }

  describe('threads give the same bits', () => {
    after(() => {
      addon.setCpuPath(defaultPath);
      addon.setThreads(defaultThreads());
    });

    it('every kernel, at 1, 2 and 3 threads, on each path (shapes that split their work)', () => {
      for (const path of cpuPaths(addon)) {
        addon.setCpuPath(path);
        const outputs = [1, 2, 3].map((threads) => {
          addon.setThreads(threads);
          return runEveryKernel(addon);
        });
        for (const [name, bits] of Object.entries(outputs[0])) {
          for (const other of outputs.slice(1)) {
            expect(Buffer.from(other[name].buffer).equals(Buffer.from(bits.buffer)), `${path} ${name}`).to.equal(true);
          }
        }
      }
    });

    it('the two paths agree within float32 rounding', function () {
      if (cpuPaths(addon).length < 2) this.skip();
      const [avx512, avx2] = cpuPaths(addon).map((path) => {
        addon.setCpuPath(path);
        return runEveryKernel(addon);
      });
      for (const name of Object.keys(avx2)) expect(worstDifference(avx512[name], avx2[name]), name).to.be.below(1e-3);
    });

    it('refuses a path the CPU lacks or an unknown one, and thread counts out of range', () => {
      expect(() => addon.setCpuPath('sse' as CpuPath)).to.throw(RangeError, 'cannot use sse: unknown kernel path');
      if (!cpuPaths(addon).includes('avx512')) expect(() => addon.setCpuPath('avx512')).to.throw(RangeError, 'this CPU has no AVX-512F');
      expect(() => addon.setThreads(0)).to.throw(RangeError, 'threads must be in [1, 256]');
    });
  });

  describe('fallback', () => {
    // With the addon built, kernels.test.ts exercises the native kernels; the wasm ones they
    // replace (and fall back to) are what runs without a compiler, so they keep a test.
    it('the wasm kernels they replace still pass kernels.test.ts (REKD_NATIVE=0)', () => {
      const mocha = fileURLToPath(new URL('../../node_modules/mocha/bin/mocha.js', import.meta.url));
      const run = spawnSync(process.execPath, [mocha, fileURLToPath(new URL('kernels.test.ts', import.meta.url))], {
        env: { ...process.env, REKD_NATIVE: '0' }, encoding: 'utf8',
      });
      expect(run.stdout + run.stderr).to.include('native kernels off (REKD_NATIVE=0)');
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/[1-9]\d* passing/);
    });
  });
});
