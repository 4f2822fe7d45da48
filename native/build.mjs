#!/usr/bin/env node
// Builds the optional native kernels (native/build/rekd_native.node) with g++ directly: run by
// `npm install` (postinstall) and `npm run build:native`. Never fails the install: on any problem
// it prints one line saying the kernels are off and why, records the reason in
// native/build/error.txt (the runtime reports it) and exits 0; the runtime then uses wasm kernels.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

function build() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `they need Linux on x86-64 (this is ${process.platform} ${process.arch})`;
  const include = nodeIncludeDir();
  if (include === undefined) return 'node_api.h not found (install the Node.js headers, e.g. Debian libnode-dev)';
  const compiler = process.env.CXX ?? 'g++';
  const sources = readdirSync(join(here, 'src')).filter((f) => f.endsWith('.cc')).map((f) => join(here, 'src', f));
  const temporary = `${target}.${process.pid}.tmp`;
  const args = ['-std=c++17', '-O3', '-march=native', '-shared', '-fPIC', '-fvisibility=hidden', '-DNODE_GYP_MODULE_NAME=rekd_native',
    `-I${include}`, ...sources, '-o', temporary];
  const result = spawnSync(compiler, args, { encoding: 'utf8' });
  if (result.error !== undefined) return `${compiler} could not run (${result.error.message})`;
  if (result.status !== 0) {
    const firstError = (result.stderr.split('\n').find((line) => /error/.test(line)) ?? result.stderr.trim()).trim();
    rmSync(temporary, { force: true });
    return `${compiler} failed: ${firstError}`;
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
  failure = build();
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
