/**
 * `rekdc report <run-dir>`: rebuilds report.md and its plots from a run directory's files; on a
 * grid folder (runs/grids/<grid>), the grid's results.csv, results.md and plots.
 */
import { defineCommand } from './command.ts';
import { FORMAT } from './common-options.ts';
import { printJson } from './diagnostics-output.ts';

export const report = defineCommand({
  name: 'report',
  operands: '<run-dir|grid-folder>',
  count: [1, 1],
  summary: 'rebuild report.md of a run directory, or results.csv, results.md and the gates of a grid folder',
  options: { format: FORMAT },
  async run({ operands: [dir], options }) {
    const { readManifest } = await import('../grid/folder.ts');
    // A directory that is not a run (RunError) reaches main, which prints it as a user error (exit 1).
    const manifest = readManifest(dir);
    if (manifest) {
      const { writeResults } = await import('../grid/results.ts');
      const written = writeResults(dir);
      if (options.format === 'json') {
        printJson({ grid: manifest.grid, folder: dir, report: written.report, csv: written.csv, gates: written.conditions });
      } else {
        process.stdout.write(`${written.gates.map((line) => `${line}\n`).join('')}${written.report}\n`);
      }
      return 0;
    }
    const { buildReport } = await import('../runtime/run/report.ts');
    const written = buildReport(dir);
    if (options.format === 'json') printJson({ run_dir: dir, report: written });
    else process.stdout.write(`${written}\n`);
    return 0;
  },
});
