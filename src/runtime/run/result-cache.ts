/**
 * Small JSON results cached across runs: one file per key in a folder of the rekd cache
 * (`REKD_CACHE_DIR` or `~/.cache/rekd`), holding the inputs it was computed from, the value and
 * the sha256 of both. A file that cannot be read, whose checksum does not match or whose inputs
 * differ is reported and recomputed, never trusted. A cache that cannot be written only loses
 * the reuse: the value is still returned (with a warning).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheDir } from '../data/cache.ts';
import { type Warn, warnToStderr } from '../user-problems.ts';
import { writeFileAtomic } from './atomic.ts';

export interface ResultCacheOptions {
  /** The cache root (default `REKD_CACHE_DIR` or `~/.cache/rekd`). */
  dir?: string;
  warn?: Warn;
}

export interface CachedResult<T> {
  value: T;
  /** True when read from the cache, false when computed by this call. */
  cached: boolean;
  file: string;
}

interface CacheFile<T> {
  inputs: unknown;
  value: T;
  sha256: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The checksum of a file's inputs and value (their JSON text: exact for every finite number). */
const checksum = (inputs: unknown, value: unknown): string => sha256(JSON.stringify({ inputs, value }));

/** The path of the file caching `inputs` under `folder/name-<hash>.json`. */
function resultCacheFile(folder: string, name: string, inputs: unknown, options: ResultCacheOptions = {}): string {
  return path.join(options.dir ?? defaultCacheDir(), folder, `${name}-${sha256(JSON.stringify(inputs)).slice(0, 16)}.json`);
}

/**
 * The value cached for `inputs` (plain JSON: their text is the key), or `compute()`'s, then
 * written atomically. `what` names the result in warnings. A computation that throws (one stopped
 * by Ctrl-C) caches nothing.
 */
export async function cachedResult<T>(
  location: { folder: string; name: string; what: string },
  inputs: unknown,
  compute: () => T | Promise<T>,
  options: ResultCacheOptions = {},
): Promise<CachedResult<T>> {
  const warn = options.warn ?? warnToStderr;
  const file = resultCacheFile(location.folder, location.name, inputs, options);
  const cached = readCached<T>(file, inputs, (problem) => warn(`${location.what} cache ${file} ${problem}; computing it again`));
  if (cached !== undefined) return { value: cached, cached: true, file };
  const value = await compute();
  try {
    const body: CacheFile<T> = { inputs, value, sha256: checksum(inputs, value) };
    writeFileAtomic(file, JSON.stringify(body, null, 2) + '\n');
  } catch (error) {
    warn(`${location.what} not cached (${(error as Error).message}); it is computed again next time`);
  }
  return { value, cached: false, file };
}

/** The cached value, or undefined when there is none or it is not to be trusted (`reject` says why). */
function readCached<T>(file: string, inputs: unknown, reject: (problem: string) => void): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file there (or no folder on the way to it): nothing cached yet.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') reject(`cannot be read (${(error as Error).message})`);
    return undefined;
  }
  let body: Partial<CacheFile<T>>;
  try {
    body = JSON.parse(text) as Partial<CacheFile<T>>;
  } catch {
    reject('is not JSON');
    return undefined;
  }
  if (body === null || typeof body !== 'object' || body.sha256 !== checksum(body.inputs, body.value)) {
    reject('is corrupt (its checksum does not match)');
    return undefined;
  }
  if (JSON.stringify(body.inputs) !== JSON.stringify(inputs)) {
    reject('holds a result for other inputs');
    return undefined;
  }
  return body.value;
}
