#!/usr/bin/env node
// Builds the optional native kernels (native/build/rekd_native.node) with g++ directly: run by
// `npm install` (postinstall) and `npm run build:native`. Never fails the install: on any problem
// it prints one line saying the kernels are off and why, records the reason in
// native/build/error.txt (the runtime reports it) and exits 0; the runtime then uses wasm kernels.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
const target = join(out, 'rekd_native.node');
const errorFile = join(out, 'error.txt');

/** node_api.h's folder: npm's nodedir, else next to the running node binary. */
function nodeIncludeDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..')]
    .filter((dir) => dir !== undefined && dir !== '')
    .map((dir) => join(dir, 'include', 'node'));
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

// The addon needs AVX2/FMA (x86-64-v3) and is built for it, not for the build machine
// (-march=native), so that one build runs on every such CPU; files named *_avx512.cc hold the
// AVX-512 code, chosen at run time from CPUID; files named *_vector_math.cc call glibc's vector
// math functions (libmvec), which g++ uses only under -ffast-math.
const baseFlags = ['-std=c++17', '-O3', '-march=x86-64-v3', '-mtune=generic', '-fPIC', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=rekd_native'];
const avx512Flags = ['-mavx512f', '-mavx512vl', '-mavx512bw', '-mavx512dq'];
const vectorMathFlags = ['-ffast-math', '-fopenmp-simd'];

function flagsOf(file) {
  if (file.endsWith('_avx512.cc')) return [...baseFlags, ...avx512Flags];
  if (file.endsWith('_vector_math.cc')) return [...baseFlags, ...vectorMathFlags];
  return baseFlags;
}

/** Runs the compiler; the first error line, or undefined on success. */
async function compile(compiler, args) {
  const child = spawn(compiler, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const [status, error] = await new Promise((done) => {
    child.on('error', (e) => done([null, e]));
    child.on('close', (code) => done([code, undefined]));
  });
  if (error !== undefined) return `${compiler} could not run (${error.message})`;
  if (status === 0) return undefined;
  return `${compiler} failed: ${(stderr.split('\n').find((line) => /error/.test(line)) ?? stderr.trim()).trim()}`;
}

async function build() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `they need Linux on x86-64 (this is ${process.platform} ${process.arch})`;
  const include = nodeIncludeDir();
  if (include === undefined) return 'node_api.h not found (install the Node.js headers, e.g. Debian libnode-dev)';
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].split(/\s+/) ?? [];
  if (!flags.includes('avx2') || !flags.includes('fma')) return 'this CPU lacks AVX2/FMA';
  const compiler = process.env.CXX ?? 'g++';
  const sources = readdirSync(join(here, 'src')).filter((f) => f.endsWith('.cc'));
  const objects = join(out, `objects.${process.pid}`);
  mkdirSync(objects, { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    // One compiler per core: the AVX-512 kernels take longest.
    const queue = [...sources];
    const failures = [];
    const worker = async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        const failure = await compile(compiler, [...flagsOf(file), `-I${include}`, '-c', join(here, 'src', file), '-o', join(objects, `${file}.o`)]);
        if (failure !== undefined) failures.push(failure);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), sources.length)) }, worker));
    if (failures.length > 0) return failures[0];
    const linked = await compile(compiler, ['-shared', '-pthread', ...sources.map((f) => join(objects, `${f}.o`)), '-lmvec', '-lm', '-o', temporary]);
    if (linked !== undefined) {
      rmSync(temporary, { force: true });
      return linked;
    }
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
  // Flushed, then renamed: the addon appears whole or not at all.
  const fd = openSync(temporary, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temporary, target);
  return undefined;
}

mkdirSync(out, { recursive: true });
let failure;
try {
  failure = await build();
} catch (e) {
  failure = e instanceof Error ? e.message : String(e);
}
if (failure === undefined) {
  rmSync(errorFile, { force: true });
  console.log(`rekd: native kernels built (${target})`);
} else {
  rmSync(target, { force: true });
  writeFileSync(errorFile, `${failure}\n`);
  console.log(`rekd: native kernels are off: ${failure}; the wasm kernels are used instead`);
}
