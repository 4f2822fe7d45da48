/**
 * Code generation: resolved experiments to typed TypeScript programs over 'rekd/runtime'.
 * Loads ts-morph, so callers on the start-up path (`rekdc check`) import it lazily.
 */
import * as path from 'node:path';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { sha256 } from './hash.ts';
import { buildProgram } from './program.ts';
import { cachedTypeCheck } from './typecheck-cache.ts';

export { dataFingerprint, runId, runtimeFingerprint, sha256, sourceFingerprint } from './hash.ts';
export { compilerVersion } from './version.ts';
export { typeCheckProgram, type TypeCheckProblem } from './typecheck.ts';

/** A generated program that does not type-check against the runtime: a bug in rekdc, not in the user's file. */
export class GeneratedProgramError extends Error {
  override name = 'GeneratedProgramError';
}

export interface GeneratedProgram {
  experiment: string;
  /** Where the program goes under an output folder: `<file stem>/<experiment>.ts`. */
  relativePath: string;
  text: string;
}

/** `<file stem>/<experiment>.ts`: where the program of an experiment goes under an output folder. */
export const programPath = (file: string, experiment: string): string =>
  path.join(path.basename(file, path.extname(file)), `${experiment}.ts`);

/** The program of one experiment of the .rekd file `file` (display name) whose text is `source`. */
export function generateProgram(experiment: ResolvedExperiment, file: string, source: string): GeneratedProgram {
  return {
    experiment: experiment.name,
    relativePath: programPath(file, experiment.name),
    text: buildProgram(experiment, { file: file.split(path.sep).join('/'), hash: sha256(source) }),
  };
}

/**
 * Type-checks `program` against the runtime (as the file generated/<relativePath> of this
 * repository, where 'rekd/runtime' resolves), or finds that the same check passed before
 * (typecheck-cache.ts). Throws GeneratedProgramError naming each problem's line and column in the
 * program, shown as `shownAs` (where it is written).
 */
export function checkProgram(program: GeneratedProgram, shownAs?: string): void {
  const checkedAs = path.join('generated', program.relativePath);
  const problems = cachedTypeCheck(program.text, checkedAs);
  if (problems.length) {
    const where = problems.map((p) => `  ${shownAs ?? checkedAs}:${p.line}:${p.column}: ${p.message}`).join('\n');
    throw new GeneratedProgramError(`the program generated for '${program.experiment}' does not type-check against the runtime:\n${where}`);
  }
}
