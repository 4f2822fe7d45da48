/** Content hashes: of a .rekd source (program headers) and of a run's identity (run ids). */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Data, ResolvedExperiment } from '../schema/types.generated.ts';
import { compilerVersion } from './version.ts';
import { runtimeFingerprint } from '../runtime/fingerprint.ts';
import { runIdentity } from '../runtime/run/identity.ts';

export { runtimeFingerprint, sourceFingerprint } from '../runtime/fingerprint.ts';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * What identifies the files of a data set read from a path (cifar10, image_folder): every file's
 * relative name, size and modification time, hashed; null for data the settings identify alone
 * (synthetic, the packaged sets pinned by package-lock.json, and Fashion-MNIST's official files,
 * checked against their MD5s wherever they are found) or a path that does not exist (the run
 * reports that itself).
 */
export function dataFingerprint(data: Data): string | null {
  if (data.kind !== 'cifar10' && data.kind !== 'image_folder') return null;
  if (!fs.existsSync(data.path)) return null;
  const lines = fs.readdirSync(data.path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const { size, mtimeMs } = fs.statSync(file);
      return `${path.relative(data.path, file)}\t${size}\t${mtimeMs}`;
    })
    .sort();
  return sha256(lines.join('\n'));
}

/**
 * The id of a run directory `runs/<experiment>-<id>`: 12 hex digits of the hash of the resolved
 * experiment (data settings included), the data's fingerprint, the compiler version and the
 * runtime's sources, so a changed setting, data set, compiler or runtime never resumes (or reports
 * as finished) an older run.
 */
export function runId(
  experiment: ResolvedExperiment,
  version: string = compilerVersion,
  data = dataFingerprint(experiment.data),
  runtime = runtimeFingerprint(),
): string {
  return sha256(JSON.stringify({ experiment: runIdentity(experiment), compiler: version, data: data ?? undefined, runtime })).slice(0, 12);
}
