/**
 * Run by backend.test.ts in a child process (the threaded build replaces the process's wasm
 * backend): prints the thread count and the gradients of a small strided convolution.
 * Usage: tsx test/runtime/wasm-threads-probe.ts THREADS
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';

const info = await initBackend('wasm', { threads: Number(process.argv[2]), log: () => {} });
const x = tf.tensor4d(Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i)), [2, 9, 9, 3]);
const w = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)), [3, 3, 3, 4]);
const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))))([x, w]);
console.log(JSON.stringify({ threads: info.threads, dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()) }));
