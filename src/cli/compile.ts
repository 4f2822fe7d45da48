/** `rekdc compile`: writes the typed program of each experiment without running it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, type Args } from './args.ts';
import { compileExperiments } from './compiled.ts';

export const COMPILE_USAGE = 'rekdc compile <file> [experiment] [--set path=value]... [--out dir]';

export async function compile(args: Args): Promise<number> {
  const [file, name, ...extra] = args.positionals;
  if (file === undefined || extra.length) throw new UsageError(`usage: ${COMPILE_USAGE}`);
  const out = args.out ?? 'generated';
  if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new UsageError(`${out} is a file; name the folder to write the programs into with --out`);
  }
  const compiled = compileExperiments(file, args.overrides, name);
  if (!compiled) return 1;
  // ts-morph loads only here and in `run`, never on the `check` path. A program that fails its
  // type check throws GeneratedProgramError: main reports it as an internal error (exit 3).
  const { checkProgram, generateProgram, programPath } = await import('../codegen/index.ts');
  const { writeFileAtomic } = await import('../runtime/run/atomic.ts');
  for (const experiment of compiled.experiments) {
    const target = path.join(out, programPath(compiled.file, experiment.name));
    const program = generateProgram(experiment, compiled.file, compiled.text);
    checkProgram(program, target);
    writeFileAtomic(target, program.text);
    process.stdout.write(`${target}\n`);
  }
  return 0;
}
