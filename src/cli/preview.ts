/**
 * `rekdc preview <file> [experiment] [--out views.png]`: a PNG grid of 16 train images and the
 * augmented views the network sees of each (strong view 1, view 2 and, with `augment weak`, the weak view).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { SET } from './common-options.ts';
import { compileExperiments } from './compiled.ts';
import { onlyExperiment } from '../runs/load.ts';

const DEFAULT_OUT = 'views.png';

export const preview = defineCommand({
  name: 'preview',
  operands: '<file> [experiment]',
  count: [1, 2],
  summary: `write a PNG grid of 16 train images and the augmented views of each (default ${DEFAULT_OUT})`,
  options: {
    set: SET,
    out: { kind: 'text', short: 'o', value: 'file.png', help: `the PNG file to write (default ${DEFAULT_OUT})` },
  },
  async run({ operands: [file, name], options }) {
    const out = options.out ?? DEFAULT_OUT;
    if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`${out} is a folder; name the PNG file to write with --out (such as --out ${path.join(out, DEFAULT_OUT)})`);
    }
    const loaded = compileExperiments(file, options.set, name, 'preview');
    if (!loaded) return 1;
    const experiment = onlyExperiment(loaded.compiled, 'preview');
    // Loaded here, not at start-up: the data loaders and pngjs are needed by this command only.
    const { writePreview } = await import('../runtime/preview.ts');
    const { dataSpec } = await import('../codegen/settings.ts');
    const { warnToStderr } = await import('../runtime/user-problems.ts');
    // Bad or missing data (DataError) reaches main, which prints it as a user error (exit 1).
    const written = await writePreview({
      data: dataSpec(experiment),
      augment: experiment.augment,
      weak: experiment.augment_weak ?? undefined,
      seed: experiment.seed,
      out,
      warn: warnToStderr,
    });
    process.stderr.write(`${written.path}: ${written.images} images with their views (${written.width}x${written.height} px)\n`);
    return 0;
  },
});
