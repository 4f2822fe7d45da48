/**
 * The optional native kernels (native/, built by `npm install` or `npm run build:native`): a
 * Node-API addon with a multi-threaded matrix product (AVX-512 or AVX2/FMA micro-kernel, chosen
 * from CPUID; REKD_CPU=avx2 forces AVX2), NHWC convolutions over it, depthwise
 * convolutions, reductions, the max-pool gradient, training BatchNorm and broadcasting
 * Add/Sub/Multiply (native_*.ts register them as wasm kernels).
 * Loaded once; when it is missing, fails to load or `REKD_NATIVE=0` is set, `nativeAddon()` is
 * null and `nativeStatus()` says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Every array is read and written in place (usually a view of the wasm heap). `shape` is a
 * ConvShape: 15 int32s, see `convShape`.
 */
export interface NativeAddon {
  /** Threads of every kernel, the caller's included (a persistent pool); returns the count in use. */
  setThreads(threads: number): number;
  /** The instruction set of the matrix product: 'avx512' or 'avx2'. */
  cpuPath(): CpuPath;
  /** Switches the matrix product to `path`; throws a RangeError when the CPU lacks it. */
  setCpuPath(path: CpuPath): void;
  /** c (m x n, row stride ldc) = a * b, or += when `accumulate`; element (i, j) of a is a[i * aRowStride + j * aColStride]. */
  gemm(m: number, n: number, k: number, a: Float32Array, aRowStride: number, aColStride: number,
    b: Float32Array, bRowStride: number, bColStride: number, c: Float32Array, ldc: number, accumulate: boolean): void;
  /** out[o, j] = sum (or mean when `mean`) over r of x[o, r, j], x being [outer, reduced, inner]. */
  reduceMiddle(x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number, mean: boolean): void;
  /** out = full op small repeated (small op full when `smallFirst`); op 0 add, 1 sub, 2 multiply. */
  binaryRepeat(op: number, full: Float32Array, small: Float32Array, out: Float32Array, smallFirst: boolean): void;
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, shape: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, shape: Int32Array): void;
  /** Depthwise, multiplier 1: the filter is [kh, kw, channels, 1], the shape's outChannels = inChannels. */
  depthwiseConv2d(x: Float32Array, filter: Float32Array, y: Float32Array, shape: Int32Array): void;
  depthwiseConv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: Int32Array): void;
  depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, shape: Int32Array): void;
  /** Training BatchNorm over x's last axis (gamma's length), then ReLU when `relu`: y, the batch mean and biased variance. */
  batchNormForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number, relu: boolean,
    y: Float32Array, mean: Float32Array, variance: Float32Array): void;
  /** Its gradients, given the forward's mean and variance, and its y when it fused a ReLU (else null). */
  batchNormBackward(dy: Float32Array, x: Float32Array, reluOutput: Float32Array | null, mean: Float32Array, variance: Float32Array,
    gamma: Float32Array, epsilon: number, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void;
  /** y = exp(x), vectorised (glibc's libmvec, within 1 ulp). */
  exp(x: Float32Array, y: Float32Array): void;
  /** y = max(x, 0) (NaN stays NaN). */
  relu(x: Float32Array, y: Float32Array): void;
  /** dst[dstOffset + r dstRow + j dstCol] = src[srcOffset + r srcRow + j srcCol], r < rows, j < width. */
  copy2d(src: Float32Array, srcOffset: number, srcRow: number, srcCol: number, dst: Float32Array, dstOffset: number, dstRow: number,
    dstCol: number, rows: number, width: number): void;
  /** out [rows, b, a] = x [rows, a, b] with its last two axes swapped. */
  transposeLastTwo(x: Float32Array, out: Float32Array, rows: number, a: number, b: number): void;
  /** y = min(max(x, 0), 6). */
  relu6(x: Float32Array, y: Float32Array): void;
  /** dx = dy where 0 < x <= 6, else 0. */
  relu6Backprop(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** y = x relu6(x + 3) / 6. */
  hardSwish(x: Float32Array, y: Float32Array): void;
  /** dx = dy (0 for x <= -3, (2x + 3) / 6 up to 3, 1 above). */
  hardSwishBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** y = x sigmoid(x), vectorised (libmvec). */
  swish(x: Float32Array, y: Float32Array): void;
  /** dx = dy (s + x s (1 - s)), s = sigmoid(x). */
  swishBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** dx = dy where x > 0, else 0. */
  reluBackprop(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** out = a x + b y (+ c z when z is not null), all of out's length. */
  linearCombination(out: Float32Array, a: number, x: Float32Array, b: number, y: Float32Array, c: number, z: Float32Array | null): void;
  /** The pooling geometry as a ConvShape with outChannels = inChannels. */
  maxPoolBackprop(x: Float32Array, dy: Float32Array, dx: Float32Array, shape: Int32Array): void;
}

export type CpuPath = 'avx512' | 'avx2';

/** Every method the runtime calls: an addon built from older sources lacks some. */
const METHODS: Record<keyof NativeAddon, true> = {
  setThreads: true, cpuPath: true, setCpuPath: true,
  gemm: true, reduceMiddle: true, binaryRepeat: true, conv2d: true, conv2dBackpropInput: true,
  conv2dBackpropFilter: true, depthwiseConv2d: true, depthwiseConv2dBackpropInput: true,
  depthwiseConv2dBackpropFilter: true, batchNormForward: true, batchNormBackward: true, reluBackprop: true, relu: true, exp: true, swish: true, swishBackprop: true, copy2d: true, transposeLastTwo: true, relu6: true, relu6Backprop: true, hardSwish: true, hardSwishBackprop: true, linearCombination: true, maxPoolBackprop: true,
};

const buildDir = fileURLToPath(new URL('../../../native/build/', import.meta.url));

type Loaded = { addon: NativeAddon; status: string } | { addon: null; status: string };

let loaded: Loaded | undefined;

function load(): Loaded {
  if (process.env.REKD_NATIVE === '0') return { addon: null, status: 'native kernels off (REKD_NATIVE=0)' };
  const file = `${buildDir}rekd_native.node`;
  if (!existsSync(file)) {
    const errorFile = `${buildDir}error.txt`;
    const why = existsSync(errorFile) ? readFileSync(errorFile, 'utf8').trim() : 'not built (run `npm run build:native`)';
    return { addon: null, status: `native kernels off (${why})` };
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    const missing = Object.keys(METHODS).filter((name) => typeof addon[name as keyof NativeAddon] !== 'function');
    if (missing.length) {
      return { addon: null, status: `native kernels off (${file} predates its sources, no ${missing.join(', ')}: run \`npm run build:native\`)` };
    }
    return { addon, status: `native kernels on (${addon.cpuPath()})` };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { addon: null, status: `native kernels off (${file} failed to load: ${message})` };
  }
}

/** The addon, or null when the native kernels are off. */
export function nativeAddon(): NativeAddon | null {
  loaded ??= load();
  return loaded.addon;
}

/** One phrase for the start-up log: `native kernels on (avx512)`, or off with the reason. */
export function nativeStatus(): string {
  loaded ??= load();
  return loaded.status;
}
