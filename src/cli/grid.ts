/**
 * `rekdc grid <file> <grid>`: runs every cell of a grid (here with --jobs N, or through a BullMQ
 * queue with --queue) and writes runs/grids/<grid>/results.csv, results.md and plots.
 */
import { overridesOf, UsageError, type Args } from './args.ts';
import { loadGrid } from './compiled-grid.ts';

export const GRID_USAGE =
  'rekdc grid <file> <grid> [--jobs N] [--threads N] [--queue redis://host:port [--queue-timeout seconds]] [--set path=value]...';

export async function grid(args: Args): Promise<number> {
  const [file, name, ...extra] = args.positionals;
  if (file === undefined || name === undefined || extra.length) throw new UsageError(`usage: ${GRID_USAGE}`);
  if (args.queue !== undefined && args.jobs !== 1) throw new UsageError('--jobs is for running here; with --queue, start more workers instead');
  const loaded = loadGrid(file, name, overridesOf(args));
  if (!loaded) return 1;
  const { gridFolder, manifestOf, writeManifest } = await import('../grid/folder.ts');
  const { writeResults } = await import('../grid/results.ts');
  const folder = gridFolder(name);
  writeManifest(folder, manifestOf(loaded.grid, loaded.source.file));
  const print = (line: string) => process.stderr.write(`${line}\n`);

  let outcomes: Array<{ outcome: string }>;
  if (args.queue !== undefined) {
    const { QueueError, runGridOnQueue } = await import('../grid/queue.ts');
    try {
      outcomes = await runGridOnQueue(loaded.grid, loaded.source, { connection: args.queue, folder, log: print, patience: args.queueTimeout });
    } catch (error) {
      if (!(error instanceof QueueError)) throw error;
      print(`rekdc grid: ${error.message}; once it is back, run the same command again (the cells recorded so far are skipped)`);
      process.stdout.write(`results so far: ${writeResults(folder).report}\n`);
      return 1;
    }
  } else {
    const { runGridLocally } = await import('../grid/local.ts');
    outcomes = await runGridLocally(loaded.grid.cells, loaded.source, { jobs: args.jobs, folder, log: print });
  }
  const { report, gates } = writeResults(folder);
  const counts = new Map<string, number>();
  for (const { outcome } of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const summary = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  process.stdout.write(`grid ${name}: ${loaded.grid.cells.length} cells (${summary || 'none run'})\n${gates.map((line) => `${line}\n`).join('')}results: ${report}\n`);
  if (outcomes.some((o) => o.outcome === 'interrupted') || outcomes.length < loaded.grid.cells.length) return 130;
  return outcomes.some((o) => o.outcome === 'failed') ? 1 : 0;
}
