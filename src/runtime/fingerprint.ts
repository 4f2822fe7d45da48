/**
 * Hashes of source code. Applied to the runtime, they tie a run (and a cached pretrained teacher)
 * to the code that trains it: a changed model can keep every shape (e.g. a new stride), so only
 * the code itself tells two checkpoints apart.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The hash of every file of a folder (relative names and contents, sorted). */
export function sourceFingerprint(folder: string): string {
  const files = fs.readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${path.relative(folder, file)}\0`).update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

let runtimeHash: string | undefined;
/** The fingerprint of the runtime's own sources (this folder), computed once per process. */
export function runtimeFingerprint(): string {
  runtimeHash ??= sourceFingerprint(fileURLToPath(new URL('.', import.meta.url)));
  return runtimeHash;
}
