/**
 * `rekdc grid <file> <grid>`: runs every cell of a grid (here with --jobs N, or through a BullMQ
 * queue with --queue) and writes runs/grids/<grid>/results.csv, results.md and plots.
 */
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { FORMAT, overridesOf, QUEUE, QUEUE_TIMEOUT, SET, THREADS } from './common-options.ts';
import { compileGrid } from './compiled.ts';
import { printJson } from './diagnostics-output.ts';
import { counted } from '../diagnostics/render.ts';

export const grid = defineCommand({
  name: 'grid',
  operands: '<file> <grid>',
  count: [2, 2],
  summary: 'run the cells of a grid (complete ones skipped, interrupted ones resumed) and write runs/grids/<grid>/results.*',
  details: [
    'stdout: how many cells ran, the gates and where results.md is; stderr: each cell\'s progress',
    '(with --jobs N > 1 one line at a time, each prefixed with its cell: [grid_3] ...).',
    'Exit 0 when every cell is complete, 1 when one failed, 130 when interrupted.',
  ],
  options: {
    set: SET,
    jobs: { kind: 'integer', value: 'N', min: 1, help: 'cells run at once here (default 1); each gets cores / N threads' },
    threads: THREADS,
    queue: { ...QUEUE, help: `${QUEUE.help}: queue the cells there for rekdc worker, instead of running them here` },
    'queue-timeout': QUEUE_TIMEOUT,
    format: FORMAT,
  },
  async run({ operands: [file, name], options }) {
    const jobs = options.jobs ?? 1;
    const format = options.format ?? 'text';
    if (options.queue !== undefined && options.jobs !== undefined) {
      throw new UsageError('--jobs is for running here; with --queue, start more workers instead');
    }
    if (options.queue === undefined && options['queue-timeout'] !== undefined) throw new UsageError('--queue-timeout needs --queue');
    // Before the file is compiled: a wrong URL is a usage error at once.
    if (options.queue !== undefined) (await import('../grid/redis-url.ts')).redisOptions(options.queue);
    const loaded = compileGrid(file, name, overridesOf(options), format);
    if (!loaded) return 1;
    const { gridFolder, manifestOf, writeManifest } = await import('../grid/folder.ts');
    const { writeResults } = await import('../grid/results.ts');
    const folder = gridFolder(name);
    writeManifest(folder, manifestOf(loaded.grid, loaded.source.file));
    const print = (line: string) => process.stderr.write(`${line}\n`);
    const about = { grid: name, file: loaded.source.file, folder };

    let outcomes: Array<{ cell: { name: string }; dir: string; outcome: string; code?: number }>;
    if (options.queue !== undefined) {
      const { QueueError, runGridOnQueue } = await import('../grid/queue.ts');
      try {
        outcomes = await runGridOnQueue(loaded.grid, loaded.source, { connection: options.queue, folder, log: print, patience: options['queue-timeout'] });
      } catch (error) {
        if (!(error instanceof QueueError)) throw error;
        print(`rekdc grid: ${error.message}; once it is back, run the same command again (the cells recorded so far are skipped)`);
        const written = writeResults(folder);
        if (format === 'json') {
          printJson({ ...about, queue_error: error.message, report: written.report, csv: written.csv, gates: written.conditions, diagnostics: loaded.diagnostics });
        } else {
          process.stdout.write(`results so far: ${written.report}\n`);
        }
        return 1;
      }
    } else {
      const { runGridLocally } = await import('../grid/local.ts');
      outcomes = await runGridLocally(loaded.grid.cells, loaded.source, { jobs, folder, log: print });
    }
    const written = writeResults(folder);
    const counts: Record<string, number> = {};
    for (const { outcome } of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (format === 'json') {
      printJson({
        ...about,
        cells: outcomes.map((o) => ({ name: o.cell.name, dir: o.dir, outcome: o.outcome, ...(o.code === undefined ? {} : { exit_code: o.code }) })),
        counts, report: written.report, csv: written.csv, gates: written.conditions, diagnostics: loaded.diagnostics,
      });
    } else {
      const summary = Object.entries(counts).map(([outcome, n]) => `${n} ${outcome}`).join(', ');
      process.stdout.write(`grid ${name}: ${counted(loaded.grid.cells.length, 'cell')} (${summary || 'none run'})\n` +
        `${written.gates.map((line) => `${line}\n`).join('')}results: ${written.report}\n`);
    }
    if (outcomes.some((o) => o.outcome === 'interrupted') || outcomes.length < loaded.grid.cells.length) return 130;
    return outcomes.some((o) => o.outcome === 'failed') ? 1 : 0;
  },
});
