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
  const { readManifest } = await import('../grid/folder.ts');
  // A directory that is not a run (RunError) reaches main, which prints it as a user error (exit 1).
  if (readManifest(dir)) {
    const { writeResults } = await import('../grid/results.ts');
    const { report: written, gates } = writeResults(dir);
    process.stdout.write(`${gates.map((line) => `${line}\n`).join('')}${written}\n`);
    return 0;
  }
  process.stdout.write(`${buildReport(dir)}\n`);
  return 0;
}
