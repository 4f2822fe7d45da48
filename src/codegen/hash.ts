/** Content hashes: of a .rekd source (program headers) and of a run's identity (run ids). */
import { createHash } from 'node:crypto';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { compilerVersion } from './version.ts';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The id of a run directory `runs/<experiment>-<id>`: 12 hex digits of the hash of the resolved
 * experiment (its data settings included) and the compiler version, so a changed setting or
 * compiler never resumes an older run's checkpoints.
 */
export function runId(experiment: ResolvedExperiment, version: string = compilerVersion): string {
  return sha256(JSON.stringify({ experiment, compiler: version })).slice(0, 12);
}
