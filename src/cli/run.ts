/**
 * `rekdc run`: compiles an experiment, type-checks its program and runs it in a child process on
 * the run directory runs/<experiment>-<id>. A finished run shows its results (--force reruns); an
 * interrupted one resumes from its newest intact checkpoint (--resume insists there is one).
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { overridesOf, UsageError, type Args } from './args.ts';
import type { ResolvedExperiment } from '../compiler.ts';
import { compileExperiments, type CompiledFile, onlyExperiment } from './compiled.ts';
import { withConcreteSplit } from './data-split.ts';
import { holderLabel, RunLock } from './run-lock.ts';
import { PARENT_PID_VARIABLE } from '../runtime/run/signals.ts';
import type { RunDirectory } from '../runtime/run/directory.ts';

export const RUN_USAGE = 'rekdc run <file> [experiment] [--set path=value]... [--backend b] [--threads N] [--resume|--force]';

/** Where runs go, relative to the working directory. */
export const RUNS_FOLDER = 'runs';

const print = (text: string) => process.stderr.write(`${text}\n`);

export async function run(args: Args): Promise<number> {
  const [file, name, ...extra] = args.positionals;
  if (file === undefined || extra.length) throw new UsageError(`usage: ${RUN_USAGE}`);
  if (args.resume && args.force) throw new UsageError('--resume and --force exclude each other');
  const compiled = compileExperiments(file, overridesOf(args), name);
  if (!compiled) return 1;
  // Before the id is computed: a run on the official split is not the same run as one on the package's.
  const experiment = withConcreteSplit(onlyExperiment(compiled, 'run', RUN_USAGE));
  const { runId } = await import('../codegen/index.ts');
  const { RunDirectory } = await import('../runtime/run/directory.ts');
  const dir = path.join(RUNS_FOLDER, `${experiment.name}-${runId(experiment)}`);
  const existing = new RunDirectory(dir);

  if (existing.finished && !args.force) {
    print(`${dir}: this run has already finished (rerun it with --force)`);
    await printResults(existing);
    return 0;
  }
  if (args.resume && !existing.hasCheckpoint()) {
    print(`rekdc run: nothing to resume: ${dir} holds no checkpoint (run without --resume to start)`);
    return 1;
  }
  const lock = RunLock.acquire(dir);
  if (!(lock instanceof RunLock)) {
    print(`rekdc run: ${dir} is being run by ${holderLabel(lock.heldBy)} already`);
    return 1;
  }
  try {
    return await startRun(experiment, compiled, dir, args.force, lock);
  } finally {
    lock.release();
  }
}

/** Type-checks the program (a cached verdict when it passed before), prepares the directory and runs it. */
export async function startRun(experiment: ResolvedExperiment, compiled: CompiledFile, dir: string, force: boolean, lock: RunLock): Promise<number> {
  const { checkProgram, generateProgram } = await import('../codegen/index.ts');
  const { RunDirectory, openRunDirectory } = await import('../runtime/run/directory.ts');
  const { writeFileAtomic } = await import('../runtime/run/atomic.ts');
  // .mts: an ES module wherever the run directory is (top-level await needs one).
  const programFile = path.join(dir, 'program.mts');
  const program = generateProgram(experiment, compiled.file, compiled.text);
  checkProgram(program, programFile);
  const existing = new RunDirectory(dir);
  // The program names the checkpoint and step it resumes from: it verifies them, and status.json may lag behind.
  const resumed = !force && existing.hasCheckpoint() ? ', resuming from its newest intact checkpoint' : '';
  // A directory holding another experiment (RunError) reaches main: a user error, exit 1.
  openRunDirectory(dir, { resolved: experiment, source: compiled.text, fresh: force });
  writeFileAtomic(programFile, program.text);
  print(`rekdc run: ${experiment.name} in ${dir}${resumed}`);

  const code = await runChild(programFile, dir, (pid) => lock.transfer(pid));
  if (code === 0) {
    await printResults(existing);
  } else if (code === 130) {
    print(`${dir}: interrupted; run the same command again (or with --resume) to continue from the checkpoint`);
  }
  return code;
}

/**
 * Final metrics and the relation miner's last measured window (as in report.md's table), one per
 * line, and where the report is (stdout: what a script would read).
 */
async function printResults(run: RunDirectory): Promise<void> {
  const { flattenResults, minerRows } = await import('../runtime/run/report.ts');
  const { readMetrics } = await import('../runtime/run/metrics.ts');
  const steps = readMetrics(run.paths.metrics).filter((r) => r.type === 'step');
  process.stdout.write(`results of ${run.dir}:\n`);
  const rows = [...flattenResults(run.readEval()), ...minerRows(steps)];
  const width = Math.max(...rows.map(([metric]) => metric.length));
  for (const [metric, value] of rows) process.stdout.write(`  ${metric.padEnd(width)} ${value}\n`);
  process.stdout.write(`report: ${run.paths.report}\n`);
}

/**
 * Runs `node --import tsx <program> <dir>` (with runtime-hooks.mjs, so 'rekd/runtime' resolves in
 * any folder) in its own process group, so a terminal's Ctrl-C
 * reaches it exactly once, forwarded by us (a second Ctrl-C is its "quit now"). It watches our pid
 * and stops (with a checkpoint) when we die, so it never trains on as an orphan. Resolves with its
 * exit code, or 128 + signal number when a signal killed it.
 */
function runChild(programFile: string, dir: string, started: (pid: number) => void): Promise<number> {
  const hooks = new URL('./runtime-hooks.mjs', import.meta.url).href;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', hooks, programFile, dir], {
    stdio: 'inherit', detached: true, env: { ...process.env, [PARENT_PID_VARIABLE]: String(process.pid) },
  });
  if (child.pid !== undefined) started(child.pid);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
}
