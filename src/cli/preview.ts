/**
 * `rekdc preview <file> [experiment] [--out views.png]`: a PNG grid of 16 train images and the
 * augmented views the network sees of each (strong view 1, view 2 and, with `augment weak`, the weak view).
 */
import { UsageError, type Args } from './args.ts';
import { compileExperiments, onlyExperiment } from './compiled.ts';

export const PREVIEW_USAGE = 'rekdc preview <file> [experiment] [--out views.png] [--set path=value]...';

const DEFAULT_OUT = 'views.png';

export async function preview(args: Args): Promise<number> {
  const [file, name, ...extra] = args.positionals;
  if (file === undefined || extra.length) throw new UsageError(`usage: ${PREVIEW_USAGE}`);
  const compiled = compileExperiments(file, args.overrides, name);
  if (!compiled) return 1;
  const experiment = onlyExperiment(compiled, 'preview', PREVIEW_USAGE);
  // Loaded here, not at start-up: the data loaders and pngjs are needed by this command only.
  const { writePreview } = await import('../runtime/preview.ts');
  const { DataError } = await import('../runtime/data/dataset.ts');
  const { warnToStderr } = await import('../runtime/data/cache.ts');
  try {
    const written = await writePreview({
      data: experiment.data,
      augment: experiment.augment,
      weak: experiment.augment_weak ?? undefined,
      seed: experiment.seed,
      out: args.out ?? DEFAULT_OUT,
      warn: warnToStderr,
    });
    process.stderr.write(`${written.path}: ${written.images} images with their views (${written.width}x${written.height} px)\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    process.stderr.write(`rekdc preview: ${error.message}\n`);
    return 1;
  }
}
