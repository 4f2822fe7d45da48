/**
 * Fast start for the front-end commands (check, explain, schema). Loading ~60 TypeScript modules
 * through tsx's loader costs most of their start-up (about 3x the CPU of the work itself), so
 * bin/rekdc.js runs them from one ES module bundled from the sources with esbuild and cached in
 * node_modules/.cache/rekd under a fingerprint of every source file (path, size, mtime): any
 * change to a source gives a new fingerprint and a new bundle, so the cache cannot go stale.
 * Dynamic imports stay separate chunks, so codegen and ts-morph are never loaded by these
 * commands. Plain JavaScript because it runs before tsx is registered.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['src', 'grammar'];
const cacheDir = join(root, 'node_modules', '.cache', 'rekd');

/**
 * Hash of the path, size and mtime of every .ts/.mjs file under `base`'s source folders.
 * @param {string} base the repository root
 * @returns {string}
 */
export function fingerprint(base = root) {
  const hash = createHash('sha256');
  /** @param {string} dir */
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|mjs)$/.test(entry.name)) {
        const stat = statSync(path);
        hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(base, dir))) visit(join(base, dir));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundles src/cli/main.ts into `target` (a directory of chunks), atomically.
 * @param {string} target
 */
async function build(target) {
  const { build: esbuild } = await import('esbuild');
  const staging = `${target}.${process.pid}.tmp`;
  await esbuild({
    entryPoints: { main: join(root, 'src/cli/main.ts') },
    bundle: true, splitting: true, format: 'esm', platform: 'node', packages: 'external',
    outdir: staging, logLevel: 'silent',
  });
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another process built the same fingerprint first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
  // Older bundles are dead weight once a newer one exists.
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith('cli-') && join(cacheDir, name) !== target && !name.endsWith('.tmp')) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

/** `main` of the CLI from the cached bundle (built first when the sources changed). */
export async function cachedMain() {
  const target = join(cacheDir, `cli-${fingerprint()}`);
  if (!existsSync(join(target, 'main.js'))) {
    mkdirSync(dirname(target), { recursive: true });
    await build(target);
  }
  return (await import(pathToFileURL(join(target, 'main.js')).href)).main;
}
