/**
 * Training-step benchmark: the quickstart student and teacher and a full-width ResNet-18, trained
 * for a fixed number of steps on random 28x28x1 images at batch 128, at 1 thread and at every
 * core, against the same architectures in PyTorch (bench/reference/) at the same thread counts,
 * run in the same invocation when /usr/bin/python3 has torch. The step: forward, mean squared
 * error of the embedding against a fixed target, backward, plain SGD update (identical on both
 * sides). Prints `ratio <model>` (all cores, rekd / torch: what a user waits for) and `ratio-1t
 * <model>` (one thread each: per core).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { linearCombination } from '../src/runtime/kernels/linear-combination.ts';
import { nativeAddon } from '../src/runtime/kernels/native-addon.ts';
import { createEncoder, describeModel, type Encoder } from '../src/runtime/nn/index.ts';
import { Rng } from '../src/runtime/random.ts';
import type { BackboneKind } from '../src/runtime/nn/index.ts';

export interface TrainBenchModel {
  name: string;
  kind: BackboneKind;
  width: number;
  embed: number;
}

export interface TrainBenchOptions {
  models: TrainBenchModel[];
  batch: number;
  size: number;
  channels: number;
  steps: number;
  /** Untimed steps first (kernel setup, weight packing, memory growth). */
  warmup: number;
  /** Print the kernels that take most of one step's time. */
  profile: boolean;
  /** Interpreter for the PyTorch reference; skipped when it is missing or lacks torch. */
  python: string;
  /** The "all cores" thread count of both sides (the other is 1). */
  threads: number;
}

export const defaultTrainBench: TrainBenchOptions = {
  models: [
    { name: 'student alexnet w0.5', kind: 'alexnet', width: 0.5, embed: 128 },
    { name: 'teacher resnet18 w0.25', kind: 'resnet18', width: 0.25, embed: 128 },
    { name: 'resnet18 w1', kind: 'resnet18', width: 1, embed: 128 },
  ],
  batch: 128,
  size: 28,
  channels: 1,
  steps: 10,
  warmup: 1,
  profile: false,
  python: '/usr/bin/python3',
  threads: availableParallelism(),
};

export interface TrainBenchResult {
  name: string;
  /** Median step time by thread count. */
  stepMs: Record<number, number>;
  /** At the largest thread count. */
  imagesPerSecond: number;
  referenceStepMs?: Record<number, number>;
}

function makeStep(encoder: Encoder, images: tf.Tensor4D, target: tf.Tensor2D, lr: number): () => void {
  const variables = [...encoder.trainableVariables().values()];
  return () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const { embedding } = encoder.forward(images, true);
      return tf.mean(tf.squaredDifference(embedding, target));
    }, variables);
    // θ -= lr ∇ as one op per variable, as torch's SGD (foreach add_ with alpha -lr).
    for (const v of variables) v.assign(linearCombination([v, 1], [grads[v.name], -lr]));
    // Reading one value waits for the step to finish (and is what a training loop does to log).
    tf.sum(variables[0]).dataSync();
  });
}

async function printProfile(step: () => void): Promise<void> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, number>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : (await k.kernelTimeMs as number);
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
    total += ms;
  }
  const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`  profile (kernel time ${total.toFixed(0)} ms): ` +
    top.map(([name, ms]) => `${name} ${(100 * ms / total).toFixed(0)}%`).join(', '));
}

/** Step times in ms of `steps` timed steps after `warmup` untimed ones. */
function timeSteps(step: () => void, steps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  return times;
}

function prepareModel(spec: TrainBenchModel, o: TrainBenchOptions): { encoder: Encoder; step: () => void; dispose: () => void } {
  const encoder = createEncoder({ kind: spec.kind, width: spec.width, embed: spec.embed, inChannels: o.channels, rng: new Rng(0) });
  const rng = new Rng(1);
  const images = tf.tensor4d(Float32Array.from({ length: o.batch * o.size * o.size * o.channels }, () => rng.next()),
    [o.batch, o.size, o.size, o.channels]);
  const target = tf.tidy(() => {
    const t = tf.tensor2d(Float32Array.from({ length: o.batch * spec.embed }, () => rng.normal()), [o.batch, spec.embed]);
    return tf.div(t, tf.norm(t, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  const step = makeStep(encoder, images, target, 0.01);
  return { encoder, step, dispose: () => { encoder.dispose(); tf.dispose([images, target]); } };
}

interface ReferenceResult {
  torch: string;
  blas: string;
  models: { name: string; step_ms: Record<string, number[]> }[];
}

/** The reference's step times, or why it could not run (never throws: the bench goes on without it). */
function runReference(o: TrainBenchOptions, models: TrainBenchModel[], threads: number[]): ReferenceResult | string {
  if (!existsSync(o.python)) return `${o.python} not found`;
  const script = join(dirname(fileURLToPath(import.meta.url)), 'reference', 'train.py');
  const config = { batch: o.batch, size: o.size, channels: o.channels, steps: o.steps, warmup: o.warmup, threads, models };
  const run = spawnSync(o.python, [script, JSON.stringify(config)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.error !== undefined) return `${o.python} could not start (${run.error.message})`;
  const stderr = run.stderr ?? '';
  if (run.status !== 0) {
    if (/No module named 'torch'/.test(stderr)) return 'torch is not installed (apt-get install python3-torch libopenblas0-pthread)';
    return stderr.trim().split('\n').slice(-1)[0] || `${o.python} ended with ${run.signal ?? `exit code ${run.status}`}`;
  }
  try {
    return JSON.parse(run.stdout) as ReferenceResult;
  } catch {
    return `the reference printed no result (${run.stdout.trim().slice(0, 200)})`;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ms = (x: number) => `${x.toFixed(0)} ms`;

/**
 * Each model is timed in rekd (1 thread, then all) and then at once in PyTorch (the same), so
 * that both see about the same load from other processes; a step time is the median of the timed steps.
 */
export async function benchTrain(options: Partial<TrainBenchOptions> = {}): Promise<TrainBenchResult[]> {
  const o = { ...defaultTrainBench, ...options };
  const addon = nativeAddon();
  const threadCounts = addon === null ? [1] : [...new Set([1, o.threads])];
  const path = addon?.cpuPath() ?? 'wasm';
  console.log(`train: batch ${o.batch}, ${o.size}x${o.size}x${o.channels}, median of ${o.steps} timed steps after ${o.warmup} warm-up; ` +
    `kernel path ${path}, threads ${threadCounts.join(' and ')}`);
  const results: TrainBenchResult[] = [];
  let referenceShown = false;
  for (const spec of o.models) {
    const { encoder, step, dispose } = prepareModel(spec, o);
    const { params, flops } = describeModel(encoder, [o.size, o.size, o.channels]);
    const stepMs: Record<number, number> = {};
    try {
      for (const threads of threadCounts) {
        addon?.setThreads(threads);
        stepMs[threads] = median(timeSteps(step, o.steps, o.warmup));
      }
    } catch (e) {
      // wasm32 addresses 4 GB: the largest models can run out at batch 128.
      console.log(`  ${spec.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      dispose();
      continue;
    }
    const all = threadCounts[threadCounts.length - 1];
    // Training costs about 3x the forward FLOPs (forward, input gradient, weight gradient).
    const gflops = (3 * flops * o.batch) / stepMs[all] / 1e6;
    const scaling = all === 1 ? '' : `, ${all} threads ${ms(stepMs[all])} (${(stepMs[1] / stepMs[all]).toFixed(2)}x)`;
    console.log(`  ${spec.name}: 1 thread ${ms(stepMs[1])}${scaling}; ${((o.batch * 1000) / stepMs[all]).toFixed(1)} images/s, ` +
      `${(params / 1e6).toFixed(2)}M params, ${(flops / 1e6).toFixed(1)} MFLOP/image, ~${gflops.toFixed(1)} GFLOP/s`);
    if (o.profile) await printProfile(step);
    dispose();
    const result: TrainBenchResult = { name: spec.name, stepMs, imagesPerSecond: (o.batch * 1000) / stepMs[all] };
    results.push(result);
    const reference = runReference(o, [spec], [...new Set([1, o.threads])]);
    if (typeof reference === 'string') {
      if (!referenceShown) console.log(`  torch reference skipped: ${reference}`);
      referenceShown = true;
      continue;
    }
    if (!referenceShown) console.log(`  torch ${reference.torch}, BLAS: ${reference.blas}`);
    referenceShown = true;
    const torchMs: Record<number, number> = {};
    for (const [threads, times] of Object.entries(reference.models[0].step_ms)) torchMs[Number(threads)] = median(times);
    result.referenceStepMs = torchMs;
    console.log(`  torch ${spec.name}: 1 thread ${ms(torchMs[1])}` +
      (o.threads === 1 ? '' : `, ${o.threads} threads ${ms(torchMs[o.threads])} (${(torchMs[1] / torchMs[o.threads]).toFixed(2)}x)`));
    if (stepMs[o.threads] !== undefined) console.log(`ratio ${spec.name}: ${(stepMs[o.threads] / torchMs[o.threads]).toFixed(2)}`);
    console.log(`ratio-1t ${spec.name}: ${(stepMs[1] / torchMs[1]).toFixed(2)}`);
  }
  return results;
}
