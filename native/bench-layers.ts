/**
 * `node --import tsx native/bench-layers.ts [model] [width]` (default resnet18 0.25): every native
 * convolution call of three training steps (batch 128, 28x28x1, after one warm-up step), grouped
 * by kernel and shape, in GFLOP per second of wall time, on the kernels' threads (REKD_THREADS,
 * default every core; REKD_CPU=avx2 forces the AVX2 path). Most expensive first.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/runtime/backend.ts';
import { nativeAddon, nativeStatus, type NativeAddon } from '../src/runtime/kernels/native-addon.ts';
import { createEncoder, type BackboneKind } from '../src/runtime/nn/index.ts';
import { Rng } from '../src/runtime/random.ts';

const info = await initBackend('wasm', { log: () => {} });
const addon = nativeAddon();
if (addon === null) throw new Error(nativeStatus());

const totals = new Map<string, { seconds: number; flop: number }>();
for (const name of ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'] as const) {
  const kernel = addon[name];
  addon[name] = ((a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array) => {
    const start = performance.now();
    kernel(a, b, out, shape);
    const elapsed = (performance.now() - start) / 1e3;
    const [n, ih, iw, ic, oh, ow, oc, kh, kw, sh] = shape;
    const key = `${name.padEnd(21)} ${n}x${ih}x${iw}x${ic} -> ${oh}x${ow}x${oc}, ${kh}x${kw} stride ${sh}`;
    const total = totals.get(key) ?? { seconds: 0, flop: 0 };
    total.seconds += elapsed;
    total.flop += 2 * n * oh * ow * oc * kh * kw * ic;
    totals.set(key, total);
  }) as NativeAddon[typeof name];
}

const kind = (process.argv[2] ?? 'resnet18') as BackboneKind;
const width = Number(process.argv[3] ?? 0.25);
const encoder = createEncoder({ kind, width, embed: 128, inChannels: 1, rng: new Rng(0) });
const images = tf.tensor4d(Float32Array.from({ length: 128 * 28 * 28 }, (_, i) => (i % 255) / 255), [128, 28, 28, 1]);
const variables = [...encoder.trainableVariables().values()];
const step = () => tf.tidy(() => {
  const { grads } = tf.variableGrads(() => tf.mean(tf.square(encoder.forward(images, true).embedding)), variables);
  tf.sum(grads[variables[0].name]).dataSync();
});
step();
totals.clear();
for (let i = 0; i < 3; i++) step();

let seconds = 0;
for (const [key, total] of [...totals].sort((a, b) => b[1].seconds - a[1].seconds)) {
  seconds += total.seconds;
  console.log(`${(total.seconds * 1e3).toFixed(1).padStart(8)} ms ${(total.flop / total.seconds / 1e9).toFixed(1).padStart(6)} GFLOP/s  ${key}`);
}
console.log(`${kind} w${width}: native convolutions ${(seconds * 1e3 / 3).toFixed(0)} ms per step (${info.kernels}, ${info.threads} threads)`);
