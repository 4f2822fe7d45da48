#!/usr/bin/env node
// `node native/bench-gemm.mjs`: the addon's GEMM throughput on square and convolution-shaped
// products, for each kernel path the CPU has (avx512, avx2) at 1 thread and at every core: GFLOP
// per second of wall time and of this process's CPU time (robust to other jobs sharing the cores).
// Best of 5 runs per size.
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('./build/rekd_native.node');

const sizes = [
  [1024, 1024, 1024, 'square'],
  [2048, 512, 4608, 'resnet18 w1 layer4 3x3 forward (im2col)'],
  [4096, 64, 576, 'resnet18 w1 layer1 3x3 forward chunk'],
  [576, 64, 4096, 'resnet18 w1 layer1 3x3 filter gradient chunk (A transposed)'],
  [1820, 16, 144, 'resnet18 w0.25 layer1 3x3 forward chunk (narrow: A read in place)'],
];

function random(count) {
  return Float32Array.from({ length: count }, () => Math.random() * 2 - 1);
}

import { availableParallelism } from 'node:os';

const paths = addon.cpuPath() === 'avx512' ? ['avx512', 'avx2'] : ['avx2'];
const threadCounts = [...new Set([1, availableParallelism()])];
for (const path of paths) for (const threads of threadCounts) {
addon.setCpuPath(path);
addon.setThreads(threads);
console.log(`${path}, ${threads} thread(s):`);
for (const [m, n, k, label] of sizes) {
  const transposed = label.includes('A transposed');
  const a = random(m * k);
  const b = random(k * n);
  const c = new Float32Array(m * n);
  const [rowStride, colStride] = transposed ? [1, m] : [k, 1];
  let cpu = Infinity;
  let wall = Infinity;
  for (let run = 0; run < 5; run++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    addon.gemm(m, n, k, a, rowStride, colStride, b, n, 1, c, n, false);
    wall = Math.min(wall, (performance.now() - wallStart) / 1e3);
    const used = process.cpuUsage(cpuStart);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  const flop = 2 * m * n * k;
  console.log(`  ${m}x${n}x${k} (${label}): ${(flop / wall / 1e9).toFixed(1)} GFLOP/s wall, ${(flop / cpu / 1e9).toFixed(1)} per CPU-second`);
}
}
