/**
 * Fast start for the front-end commands (check, explain, schema). Loading ~60 TypeScript modules
 * through tsx's loader costs most of their start-up (about 3x the CPU of the work itself), so
 * bin/rekdc.js runs them from an ES module bundle of the sources made by esbuild and cached in
 * node_modules/.cache/rekd. The cache records the size and mtime of every source file in the
 * bundle (esbuild's metafile) and is rebuilt as soon as one differs, so it cannot go stale: a
 * new import can only appear through a change to a recorded file. Dynamic imports stay separate
 * chunks, so these commands never load codegen or ts-morph. Plain JavaScript because it runs
 * before tsx is registered.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache', 'rekd');
const current = join(cacheDir, 'current.json');
/** Old bundles are removed only when this old, so a process still loading one is not disturbed. */
const KEEP_MS = 60 * 60 * 1000;

/**
 * @param {string} path
 * @returns {string | null} size and mtime of the file, null when it does not exist
 */
export function signature(path) {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

/**
 * @param {Record<string, string>} inputs signature per path relative to `base`
 * @param {string} base
 */
export function upToDate(inputs, base = root) {
  return Object.entries(inputs).every(([path, recorded]) => signature(join(base, path)) === recorded);
}

/** Bundles src/cli/main.ts into a new directory and makes it the current bundle. */
async function build() {
  const { build: esbuild } = await import('esbuild');
  const bundle = `cli-${Date.now()}-${process.pid}`;
  const result = await esbuild({
    entryPoints: { main: join(root, 'src/cli/main.ts') },
    bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external',
    absWorkingDir: root, outdir: join(cacheDir, bundle), metafile: true, logLevel: 'silent',
  });
  /** @type {Record<string, string>} */
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) inputs[path] = signature(join(root, path)) ?? '';
  const staging = `${current}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify({ bundle, inputs }));
  renameSync(staging, current);
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (name.startsWith('cli-') && name !== bundle && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
  return bundle;
}

/** `main` of the CLI from the cached bundle, rebuilt first when a source changed. */
export async function cachedMain() {
  mkdirSync(cacheDir, { recursive: true });
  let bundle;
  try {
    const recorded = JSON.parse(readFileSync(current, 'utf8'));
    if (upToDate(recorded.inputs) && existsSync(join(cacheDir, recorded.bundle, 'main.js'))) bundle = recorded.bundle;
  } catch {
    // No cache yet, or an unreadable one: build.
  }
  bundle ??= await build();
  return (await import(pathToFileURL(join(cacheDir, bundle, 'main.js')).href)).main;
}
