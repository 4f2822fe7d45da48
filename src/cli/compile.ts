/** `rekdc compile`: writes the typed program of each experiment without running it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { SET } from './common-options.ts';
import { compileExperiments } from './compiled.ts';

export const compile = defineCommand({
  name: 'compile',
  operands: '<file> [experiment]',
  count: [1, 2],
  summary: 'write the typed TypeScript program of each experiment (or of the one named, a grid cell included) and print its path',
  options: {
    set: SET,
    out: { kind: 'text', short: 'o', value: 'dir', help: 'the folder to write the programs into (default generated)' },
  },
  async run({ operands: [file, name], options }) {
    const out = options.out ?? 'generated';
    if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new UsageError(`${out} is a file; name the folder to write the programs into with --out`);
    }
    const loaded = compileExperiments(file, options.set, name, 'compile');
    if (!loaded) return 1;
    const { compiled } = loaded;
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
  },
});
