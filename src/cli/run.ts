/**
 * `rekdc run`: compiles an experiment, type-checks its program and runs it in a child process on
 * the run directory runs/<experiment>-<id>. A finished run shows its results (--force reruns); an
 * interrupted one resumes from its newest intact checkpoint (--resume insists there is one).
 */
import * as path from 'node:path';
import type { Diagnostic } from '../compiler.ts';
import { defineCommand } from './command.ts';
import { BACKEND, FORMAT, overridesOf, SET, THREADS } from './common-options.ts';
import { compileExperiments } from './compiled.ts';
import { onlyExperiment } from '../runs/load.ts';
import { printJson, type Format } from './diagnostics-output.ts';
import { UsageError } from '../runs/usage-error.ts';
import { holderLabel, RunLock } from '../runs/lock.ts';
import { withConcreteSplit } from '../runs/split.ts';
import type { SummarisedEvaluation } from './run-summary.ts';
import type { RunStart } from '../runs/start.ts';

const print = (text: string) => process.stderr.write(`${text}\n`);

export const run = defineCommand({
  name: 'run',
  operands: '<file> [experiment]',
  count: [1, 2],
  summary: 'run an experiment (or one grid cell, such as grid_3) in runs/<experiment>-<id>/; an interrupted run resumes',
  details: [
    'stdout: a summary of the results (top-1 beside the floors and the teacher, the relation miner\'s last',
    'window, collapse) and where report.md is; every figure is in eval.json (or --format json);',
    'stderr: the diagnostics and the training program\'s progress. Exit 0 done, 1 errors in the file or a',
    'run error, 130 interrupted (run the same command again to resume).',
  ],
  options: {
    set: SET,
    backend: BACKEND,
    threads: THREADS,
    resume: { kind: 'flag', help: 'continue an interrupted run; fail when there is no checkpoint to continue from' },
    force: { kind: 'flag', help: 'start the run over, even when it finished or has a checkpoint; train even when a finished run of the same settings under another name could be copied' },
    format: FORMAT,
  },
  async run({ operands: [file, name], options }) {
    if (options.resume && options.force) throw new UsageError('--resume and --force exclude each other');
    const format = options.format ?? 'text';
    const loaded = compileExperiments(file, overridesOf(options), name, 'run', format);
    if (!loaded) return 1;
    // Before the id is computed: a run on the official split is not the same run as one on the package's.
    const experiment = withConcreteSplit(onlyExperiment(loaded.compiled, 'run'));
    const { runDirectory } = await import('../runs/directory.ts');
    const { startRun } = await import('../runs/start.ts');
    const { RunDirectory } = await import('../runtime/run/directory.ts');
    const dir = runDirectory(experiment);
    const existing = new RunDirectory(dir);
    const show = (outcome: RunOutcome, code: number) => showResults({ experiment: experiment.name, dir, outcome, code, diagnostics: loaded.diagnostics }, format);

    if (existing.finished && !options.force) {
      print(`${dir}: this run has already finished (rerun it with --force)`);
      await show('already finished', 0);
      return 0;
    }
    if (options.resume && !existing.hasCheckpoint()) {
      print(`rekdc run: nothing to resume: ${dir} holds no checkpoint (run without --resume to start)`);
      return 1;
    }
    const lock = RunLock.acquire(dir);
    if (!(lock instanceof RunLock)) {
      print(`rekdc run: ${dir} is being run by ${holderLabel(lock.heldBy)} already`);
      return 1;
    }
    let started: RunStart;
    try {
      started = await startRun(experiment, loaded.compiled, dir, { force: options.force, lock });
    } finally {
      lock.release();
    }
    const { code } = started;
    await show(started.copiedFrom !== undefined ? 'copied' : code === 0 ? 'finished' : code === 130 ? 'interrupted' : 'failed', code);
    return code;
  },
});

/** `copied`: the results of a finished run of the same settings under another name (runs/reuse.ts). */
type RunOutcome = 'finished' | 'copied' | 'already finished' | 'interrupted' | 'failed';

interface Results {
  experiment: string;
  dir: string;
  outcome: RunOutcome;
  code: number;
  diagnostics: Diagnostic[];
}

/**
 * What `run` prints on stdout. Text, for a finished run: a summary (top-1 beside the floors and
 * the teacher, the relation miner's last window, collapse) and where the report is.
 * JSON: the outcome, eval.json as it is and that window, in any case (docs/cli.md).
 */
async function showResults(results: Results, format: Format): Promise<void> {
  const finished = results.outcome === 'finished' || results.outcome === 'copied' || results.outcome === 'already finished';
  const { readRunResults } = await import('../runs/results.ts');
  const { runSummary } = await import('./run-summary.ts');
  // An unfinished run's metrics may end in a line cut short: not read, nothing is shown of them.
  const run = finished ? readRunResults(results.dir) : undefined;
  if (format === 'json') {
    const window = run?.miner;
    printJson({
      experiment: results.experiment, run_dir: results.dir, outcome: results.outcome, exit_code: results.code,
      eval: run?.eval ?? null,
      copied_from: run?.copiedFrom ?? null,
      miner: window ? { step: window.step, precision: window.miner_precision, chance: window.miner_chance ?? null, positives: window.miner_positives ?? null } : null,
      report: run?.report ?? null,
      diagnostics: results.diagnostics,
    });
    return;
  }
  if (!run) return;
  process.stdout.write(`results of ${run.dir}${run.copiedFrom === undefined ? '' : ` (copied from ${run.copiedFrom})`}:\n`);
  for (const line of runSummary(run.eval as SummarisedEvaluation | undefined, run.miner)) process.stdout.write(`${line}\n`);
  process.stdout.write(`report: ${run.report}; every figure: ${path.join(run.dir, 'eval.json')}\n`);
}
