/**
 * `rekdc run`: compiles an experiment, type-checks its program and runs it in a child process on
 * the run directory runs/<experiment>-<id>. A finished run shows its results (--force reruns); an
 * interrupted one resumes from its newest intact checkpoint (--resume insists there is one).
 */
import { spawn, type StdioOptions } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic, ResolvedExperiment } from '../compiler.ts';
import { UsageError } from './args.ts';
import { defineCommand } from './command.ts';
import { BACKEND, FORMAT, overridesOf, SET, THREADS } from './common-options.ts';
import { compileExperiments, type CompiledFile, onlyExperiment } from './compiled.ts';
import { withConcreteSplit } from './data-split.ts';
import { printJson, type Format } from './diagnostics-output.ts';
import { lineSplitter } from './lines.ts';
import { holderLabel, RunLock } from './run-lock.ts';
import { PARENT_PID_VARIABLE } from '../runtime/run/signals.ts';
import type { RunDirectory } from '../runtime/run/directory.ts';

/** Where runs go, relative to the working directory. */
export const RUNS_FOLDER = 'runs';

const print = (text: string) => process.stderr.write(`${text}\n`);

export const run = defineCommand({
  name: 'run',
  operands: '<file> [experiment]',
  count: [1, 2],
  summary: 'run an experiment (or one grid cell, such as grid_3) in runs/<experiment>-<id>/; an interrupted run resumes',
  details: [
    'stdout: the results (eval.json\'s metrics and the relation miner\'s last window) and where report.md is;',
    'stderr: the diagnostics and the training program\'s progress. Exit 0 done, 1 errors in the file or a',
    'run error, 130 interrupted (run the same command again to resume).',
  ],
  options: {
    set: SET,
    backend: BACKEND,
    threads: THREADS,
    resume: { kind: 'flag', help: 'continue an interrupted run; fail when there is no checkpoint to continue from' },
    force: { kind: 'flag', help: 'start the run over, even when it finished or has a checkpoint' },
    format: FORMAT,
  },
  async run({ operands: [file, name], options }) {
    if (options.resume && options.force) throw new UsageError('--resume and --force exclude each other');
    const format = options.format ?? 'text';
    const loaded = compileExperiments(file, overridesOf(options), name, 'run', format);
    if (!loaded) return 1;
    // Before the id is computed: a run on the official split is not the same run as one on the package's.
    const experiment = withConcreteSplit(onlyExperiment(loaded.compiled, 'run'));
    const { runId } = await import('../codegen/index.ts');
    const { RunDirectory } = await import('../runtime/run/directory.ts');
    const dir = path.join(RUNS_FOLDER, `${experiment.name}-${runId(experiment)}`);
    const existing = new RunDirectory(dir);
    const show = (outcome: RunOutcome, code: number) => showResults({ experiment: experiment.name, run: existing, outcome, code, diagnostics: loaded.diagnostics }, format);

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
    let code: number;
    try {
      code = await startRun(experiment, loaded.compiled, dir, { force: options.force, lock });
    } finally {
      lock.release();
    }
    await show(code === 0 ? 'finished' : code === 130 ? 'interrupted' : 'failed', code);
    return code;
  },
});

export interface StartOptions {
  force: boolean;
  /** Held on `dir`; handed to the training program once it runs. */
  lock: RunLock;
  /**
   * Each line the run prints (ours and its training program's), for a caller running several at
   * once (`grid --jobs N`: prefixed with the cell). Without it the program writes to our stderr
   * directly, progress bar included.
   */
  line?: (text: string) => void;
}

/** Type-checks the program (a cached verdict when it passed before), prepares the directory and runs it; resolves with its exit status. */
export async function startRun(experiment: ResolvedExperiment, compiled: CompiledFile, dir: string, options: StartOptions): Promise<number> {
  const say = options.line ?? print;
  const { checkProgram, generateProgram } = await import('../codegen/index.ts');
  const { RunDirectory, openRunDirectory } = await import('../runtime/run/directory.ts');
  const { writeFileAtomic } = await import('../runtime/run/atomic.ts');
  // .mts: an ES module wherever the run directory is (top-level await needs one).
  const programFile = path.join(dir, 'program.mts');
  const program = generateProgram(experiment, compiled.file, compiled.text);
  checkProgram(program, programFile);
  const existing = new RunDirectory(dir);
  // The program names the checkpoint and step it resumes from: it verifies them, and status.json may lag behind.
  const resumed = !options.force && existing.hasCheckpoint() ? ', resuming from its newest intact checkpoint' : '';
  // A directory holding another experiment (RunError) reaches main: a user error, exit 1.
  openRunDirectory(dir, { resolved: experiment, source: compiled.text, fresh: options.force });
  writeFileAtomic(programFile, program.text);
  say(`rekdc run: ${experiment.name} in ${dir}${resumed}`);

  const code = await runChild(programFile, dir, (pid) => options.lock.transfer(pid), options.line);
  if (code === 130) say(`${dir}: interrupted; run the same command again (or with --resume) to continue from the checkpoint`);
  return code;
}

type RunOutcome = 'finished' | 'already finished' | 'interrupted' | 'failed';

interface Results {
  experiment: string;
  run: RunDirectory;
  outcome: RunOutcome;
  code: number;
  diagnostics: Diagnostic[];
}

/**
 * What `run` prints on stdout. Text, for a finished run: its final metrics and the relation
 * miner's last measured window (as in report.md's table), one per line, and where the report is.
 * JSON: the outcome, eval.json as it is and that window, in any case (docs/cli.md).
 */
async function showResults(results: Results, format: Format): Promise<void> {
  const { run } = results;
  const finished = results.outcome === 'finished' || results.outcome === 'already finished';
  const { flattenResults, minerRows } = await import('../runtime/run/report.ts');
  const { lastMinerWindow, readMetrics } = await import('../runtime/run/metrics.ts');
  const records = finished ? readMetrics(run.paths.metrics) : [];
  if (format === 'json') {
    const window = lastMinerWindow(records);
    printJson({
      experiment: results.experiment, run_dir: run.dir, outcome: results.outcome, exit_code: results.code,
      eval: finished ? run.readEval() : null,
      miner: window ? { step: window.step, precision: window.miner_precision, chance: window.miner_chance ?? null, positives: window.miner_positives ?? null } : null,
      report: finished ? run.paths.report : null,
      diagnostics: results.diagnostics,
    });
    return;
  }
  if (!finished) return;
  const steps = records.filter((r) => r.type === 'step');
  process.stdout.write(`results of ${run.dir}:\n`);
  const rows = [...flattenResults(run.readEval()), ...minerRows(steps)];
  const width = Math.max(...rows.map(([metric]) => metric.length));
  for (const [metric, value] of rows) process.stdout.write(`  ${metric.padEnd(width)} ${value}\n`);
  process.stdout.write(`report: ${run.paths.report}\n`);
}

/**
 * Runs `node --import tsx <program> <dir>` (with runtime-hooks.mjs, so 'rekd/runtime' resolves in
 * any folder) in its own process group, so a terminal's Ctrl-C reaches it exactly once, forwarded
 * by us (a second Ctrl-C is its "quit now"). It watches our pid and stops (with a checkpoint) when
 * we die, so it never trains on as an orphan. Its stdout goes to our stderr (our stdout holds
 * only results), or both its streams to `line`. Resolves with its exit code, or 128 + signal
 * number when a signal killed it.
 */
function runChild(programFile: string, dir: string, started: (pid: number) => void, line: ((text: string) => void) | undefined): Promise<number> {
  const hooks = new URL('./runtime-hooks.mjs', import.meta.url).href;
  const stdio: StdioOptions = line ? ['inherit', 'pipe', 'pipe'] : ['inherit', process.stderr.fd, 'inherit'];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', hooks, programFile, dir], {
    stdio, detached: true, env: { ...process.env, [PARENT_PID_VARIABLE]: String(process.pid) },
  });
  const splitters = line ? [child.stdout!, child.stderr!].map((stream) => {
    const splitter = lineSplitter(line);
    stream.on('data', (chunk: Buffer) => splitter.write(chunk));
    return splitter;
  }) : [];
  if (child.pid !== undefined) started(child.pid);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close': after the piped streams have ended, so that every line is out before the exit is told.
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      for (const splitter of splitters) splitter.end();
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
}
