/**
 * `rekdc compare <run-dir|grid-folder>... [--out compare.html] [--baseline run]`: one
 * self-contained HTML page with the runs' final metrics against a baseline and interactive plots
 * of their training curves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { FORMAT } from './common-options.ts';
import { printJson } from './diagnostics-output.ts';

const DEFAULT_OUT = 'compare.html';

export const compare = defineCommand({
  name: 'compare',
  operands: '<run-dir|grid-folder>...',
  count: [1, Infinity],
  summary: `write one HTML page comparing runs and grids: final metrics against a baseline, training curves (default ${DEFAULT_OUT})`,
  details: [
    'A grid folder (runs/grids/<grid>) stands for its cells. The page needs no network: open it in any browser.',
  ],
  options: {
    out: { kind: 'text', short: 'o', value: 'file.html', help: `the page to write (default ${DEFAULT_OUT})` },
    baseline: { kind: 'text', value: 'run', help: 'the run the differences are taken to: its name on the page or its directory (default the first run)' },
    format: FORMAT,
  },
  async run({ operands, options }) {
    const out = options.out ?? DEFAULT_OUT;
    if (fs.statSync(out, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`${out} is a folder; name the page to write with --out (such as --out ${path.join(out, DEFAULT_OUT)})`);
    }
    // Loaded here, not at start-up: the Vega-Lite compiler is needed by this command only.
    const { writeComparison } = await import('../compare/compare.ts');
    const { warnToStderr } = await import('../runtime/user-problems.ts');
    // A directory that is not a run or has no metrics (RunError) reaches main, which prints it as a user error (exit 1).
    const written = writeComparison({ dirs: operands, out, baseline: options.baseline, warn: warnToStderr });
    if (options.format === 'json') printJson({ out: written.out, runs: written.runs, baseline: written.baseline, plots: written.plots });
    else process.stdout.write(`${written.out}: ${written.runs.length} runs (baseline ${written.baseline}), plots: ${written.plots.join(', ') || 'none'}\n`);
    return 0;
  },
});
