/**
 * Passing type-check verdicts, cached across processes. Nearly all of a check is building the
 * checker's program: parsing and binding ~500 files (the runtime, @types/node, tfjs's
 * declarations: 3.6 MB) took 2.9 s of a 3.0 s check on an idle core, the generated program's own
 * diagnostics 0.1 s. A verdict only changes when something it read does.
 *
 * The key hashes what the checker's inputs do not show: the program text and where it is checked,
 * the TypeScript version, tsconfig.json and the options typecheck.ts sets over it, package.json
 * (module format and the 'rekd/runtime' export) and the runtime's source fingerprint (a new
 * runtime file can change what an import resolves to). The entry names the set of files the
 * check read with the hash of each one's text;
 * a hit requires every one of them unchanged, so an upgraded dependency or an edited runtime file
 * misses. Only a pass is stored: a failing program is checked (and reported) every time.
 *
 * Layout under node_modules/.cache/rekd/typecheck: `<key>.json` holds `{ inputs: <set hash> }`;
 * `inputs/<set hash>.json` the file -> text hash map, shared by content because nearly every
 * program reads the same files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { writeFileAtomic } from '../runtime/run/atomic.ts';
import { runtimeFingerprint, sha256 } from './hash.ts';
import { PROGRAM_OPTIONS, repoRoot, typeCheckAll, type ProgramFile, type TypeCheckProblem, type TypeCheckResult } from './typecheck.ts';

const defaultCacheDir = path.join(repoRoot, 'node_modules', '.cache', 'rekd', 'typecheck');

export interface TypeCheckCacheOptions {
  /** Where verdicts are kept. */
  dir?: string;
  /** The runtime's source fingerprint (part of the key). */
  runtime?: string;
  /** The checker the misses go to (all of them in one call). */
  check?: (files: readonly ProgramFile[]) => TypeCheckResult[];
}

const readRepoFile = (name: string): string => fs.readFileSync(path.join(repoRoot, name), 'utf8');

/** The key of the verdict on `text` checked as `fileName` (relative to the repository). */
export function verdictKey(text: string, fileName: string, runtime: string): string {
  const manifest = JSON.parse(readRepoFile('package.json')) as { type?: string; exports?: unknown };
  return sha256(JSON.stringify({
    text,
    fileName: path.relative(repoRoot, path.resolve(repoRoot, fileName)),
    runtime,
    typescript: ts.version,
    tsconfig: readRepoFile('tsconfig.json'),
    options: PROGRAM_OPTIONS,
    module: { type: manifest.type, exports: manifest.exports },
  }));
}

/** sha256 of a file's text as TypeScript parses it (a UTF-8 byte order mark dropped); null when unreadable. */
function textHash(file: string): string | null {
  try {
    return sha256(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
}

const verdictFile = (dir: string, key: string) => path.join(dir, `${key}.json`);
const inputsFile = (dir: string, set: string) => path.join(dir, 'inputs', `${set}.json`);

/**
 * Whether `key` passed before and every file that check read still has the text it had.
 * `unchanged` remembers, within one lookup of many programs, which input sets were verified.
 */
function passedBefore(dir: string, key: string, unchanged: Map<string, boolean>): boolean {
  let set: string;
  let inputs: Record<string, string>;
  try {
    set = (JSON.parse(fs.readFileSync(verdictFile(dir, key), 'utf8')) as { inputs: string }).inputs;
    if (unchanged.has(set)) return unchanged.get(set)!;
    const text = fs.readFileSync(inputsFile(dir, set), 'utf8');
    if (sha256(text) !== set) return false;
    inputs = JSON.parse(text) as Record<string, string>;
  } catch {
    return false; // no entry, or an unreadable one: check
  }
  const verdict = Object.entries(inputs).every(([file, hash]) => textHash(path.resolve(repoRoot, file)) === hash);
  unchanged.set(set, verdict);
  return verdict;
}

/** Stores the input set `inputs` (the files a check read); returns its hash, the name entries use. */
function recordInputs(dir: string, inputs: ReadonlyMap<string, string>): string {
  const hashes = Object.fromEntries([...inputs].map(([file, text]) => [path.relative(repoRoot, file), sha256(text)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = JSON.stringify(hashes);
  const set = sha256(text);
  writeFileAtomic(inputsFile(dir, set), text); // rewritten, not trusted to exist intact: a damaged set is repaired
  return set;
}

/**
 * The problems of each of `files`, as typeCheckAll finds them; none, without checking, for a file
 * whose same check passed before. The misses are checked together.
 */
export function cachedTypeCheckAll(files: readonly ProgramFile[], options: TypeCheckCacheOptions = {}): TypeCheckProblem[][] {
  const dir = options.dir ?? defaultCacheDir;
  const runtime = options.runtime ?? runtimeFingerprint();
  const keys = files.map((f) => verdictKey(f.text, f.fileName, runtime));
  const unchanged = new Map<string, boolean>();
  const misses = files.flatMap((_, i) => (passedBefore(dir, keys[i], unchanged) ? [] : [i]));
  const problems: TypeCheckProblem[][] = files.map(() => []);
  if (!misses.length) return problems;
  const results = (options.check ?? typeCheckAll)(misses.map((i) => files[i]));
  misses.forEach((i, m) => (problems[i] = results[m].problems));
  try {
    const sets = new Map<ReadonlyMap<string, string>, string>(); // the programs checked together share one
    misses.forEach((i, m) => {
      if (problems[i].length) return; // only a pass is stored
      const { inputs } = results[m];
      if (!sets.has(inputs)) sets.set(inputs, recordInputs(dir, inputs));
      writeFileAtomic(verdictFile(dir, keys[i]), JSON.stringify({ inputs: sets.get(inputs) }));
    });
  } catch {
    // A cache that cannot be written (read-only install) only costs the next run its check.
  }
  return problems;
}
