/**
 * `rekdc report <run-dir>`: rebuilds report.md and its plots from a run directory's files; on a
 * grid folder (runs/grids/<grid>), the grid's results.csv, results.md and plots.
 */
import { UsageError, type Args } from './args.ts';

export const REPORT_USAGE = 'rekdc report <run-dir | runs/grids/<grid>>';

export async function report(args: Args): Promise<number> {
  const [dir, ...extra] = args.positionals;
  if (dir === undefined || extra.length) throw new UsageError(`usage: ${REPORT_USAGE}`);
  const { buildReport } = await import('../runtime/run/report.ts');
  const { RunError } = await import('../runtime/run/directory.ts');
  const { readManifest } = await import('../grid/folder.ts');
  try {
    if (readManifest(dir)) {
      const { writeResults } = await import('../grid/results.ts');
      process.stdout.write(`${writeResults(dir)}\n`);
      return 0;
    }
    process.stdout.write(`${buildReport(dir)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    process.stderr.write(`rekdc report: ${error.message}\n`);
    return 1;
  }
}
