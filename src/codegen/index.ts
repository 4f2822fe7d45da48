/**
 * Code generation: resolved experiments to typed TypeScript programs over 'rekd/runtime'.
 * Loads ts-morph, so callers on the start-up path (`rekdc check`) import it lazily.
 */
import * as path from 'node:path';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { sha256 } from './hash.ts';
import { buildProgram } from './program.ts';
import { cachedTypeCheckAll } from './typecheck-cache.ts';

export { dataFingerprint, runId, runtimeFingerprint, sha256, sourceFingerprint } from './hash.ts';
export { compilerVersion } from './version.ts';
export { typeCheckProgram, type TypeCheckProblem } from './typecheck.ts';

/** A generated program that does not type-check against the runtime: a bug in rekdc, not in the user's file. */
export class GeneratedProgramError extends Error {
  override name = 'GeneratedProgramError';
}

export interface GeneratedProgram {
  experiment: string;
  /** Where the program goes under an output folder: `<file stem>/<experiment>.mts` (.mts: an ES module in any folder, as top-level await needs). */
  relativePath: string;
  text: string;
}

/** `<file stem>/<experiment>.mts`: where the program of an experiment goes under an output folder. */
export const programPath = (file: string, experiment: string): string =>
  path.join(path.basename(file, path.extname(file)), `${experiment}.mts`);

/** The program of one experiment of the .rekd file `file` (display name) whose text is `source`. */
export function generateProgram(experiment: ResolvedExperiment, file: string, source: string): GeneratedProgram {
  return {
    experiment: experiment.name,
    relativePath: programPath(file, experiment.name),
    text: buildProgram(experiment, { file: file.split(path.sep).join('/'), hash: sha256(source) }),
  };
}

/** Where a program is type-checked: as generated/<relativePath> of this repository, where 'rekd/runtime' resolves. */
const checkedAs = (program: GeneratedProgram): string => path.join('generated', program.relativePath);

/**
 * Type-checks `programs` against the runtime, all in one TypeScript program (a grid's cells cost
 * little more than one of them), except those whose same check passed before
 * (typecheck-cache.ts). Throws GeneratedProgramError naming each problem's line and column in its
 * program, shown as `shownAs(program)` (where it is written).
 */
export function checkPrograms(programs: readonly GeneratedProgram[], shownAs: (program: GeneratedProgram) => string = checkedAs): void {
  const problems = cachedTypeCheckAll(programs.map((program) => ({ text: program.text, fileName: checkedAs(program) })));
  const failures = programs.flatMap((program, i) => (problems[i].length
    ? [`the program generated for '${program.experiment}' does not type-check against the runtime:\n` +
      problems[i].map((p) => `  ${shownAs(program)}:${p.line}:${p.column}: ${p.message}`).join('\n')]
    : []));
  if (failures.length) throw new GeneratedProgramError(failures.join('\n'));
}

/** checkPrograms for one program, shown as `shownAs` (default: where it is checked). */
export function checkProgram(program: GeneratedProgram, shownAs?: string): void {
  checkPrograms([program], () => shownAs ?? checkedAs(program));
}
