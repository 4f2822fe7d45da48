/**
 * Starting a run: generate and type-check the experiment's program, prepare its run directory and
 * run it in a child process that holds the run's lock. Every front end (`rekdc run`, a grid's
 * local cells, a queue worker) starts runs through here, so a cell run any way is the same run.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedExperiment } from '../compiler.ts';
import { checkProgram, generateProgram } from '../codegen/index.ts';
import { writeFileAtomic } from '../runtime/run/atomic.ts';
import { openRunDirectory, RunDirectory } from '../runtime/run/directory.ts';
import { failedSince, recordFailure } from '../runtime/run/failure.ts';
import { PARENT_PID_VARIABLE, trainingComplete } from '../runtime/run/signals.ts';
import type { CompiledFile } from './compiled-file.ts';
import { lineSplitter } from './lines.ts';
import { copyTwin, finishedTwin, untouched } from './reuse.ts';
import type { RunLock } from './lock.ts';

const toStderr = (text: string) => process.stderr.write(`${text}\n`);

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

/** How a run started by `startRun` ended: its exit status, and when it trained nothing, the run that trained the results it copied. */
export interface RunStart {
  code: number;
  copiedFrom?: string;
}

/**
 * Type-checks the program (a cached verdict when it passed before), prepares the directory and runs it; resolves with its
 * exit status. A new run whose settings a finished run under another name has copies that run's results instead (runs/reuse.ts).
 */
export async function startRun(experiment: ResolvedExperiment, compiled: CompiledFile, dir: string, options: StartOptions): Promise<RunStart> {
  const say = options.line ?? toStderr;
  // .mts: an ES module wherever the run directory is (top-level await needs one).
  const programFile = path.join(dir, 'program.mts');
  const program = generateProgram(experiment, compiled.file, compiled.text);
  const existing = new RunDirectory(dir);
  const twin = !options.force && untouched(dir) ? finishedTwin(dir) : undefined;
  // A copy runs no program: its type check (tens of seconds) is skipped.
  if (twin === undefined) checkProgram(program, programFile);
  // The program names the checkpoint and step it resumes from: it verifies them, and status.json may lag behind.
  const resumed = options.force || !existing.hasCheckpoint() ? ''
    : trainingComplete(existing.status()) ? ': training is complete, only the final evaluation runs'
      : ', resuming from its newest intact checkpoint';
  // A directory holding another experiment (RunError) reaches main: a user error, exit 1.
  openRunDirectory(dir, { resolved: experiment, source: compiled.text, sourceTree: compiled.sourceTree, fresh: options.force });
  writeFileAtomic(programFile, program.text);
  if (twin !== undefined) {
    const trainer = copyTwin(twin, dir);
    const trained = trainer === twin ? '' : ` (trained by ${trainer})`;
    say(`rekdc run: ${experiment.name} in ${dir}: the same settings as the finished ${twin}${trained}, whose results are copied (nothing trained; \`rekdc run --force\` trains it)`);
    return { code: 0, copiedFrom: trainer };
  }
  say(`rekdc run: ${experiment.name} in ${dir}${resumed}`);

  return { code: await startProgram(programFile, dir, { ...options, again: options.force ? 'run the same command without --force' : undefined }) };
}

/**
 * Runs the program `programFile` on the run directory `dir` (held by `options.lock`). The program
 * records its own errors there; one killed by a signal other than an interrupt (kill -9, the OOM
 * killer, an abort: 128 + N) could not, so `dir` is marked failed with its exit code here, and
 * never reads "running" after it. An interrupted one ends with a line saying where it stopped and
 * how to continue: `options.again` (default: run the same command again).
 */
export async function startProgram(programFile: string, dir: string, options: Pick<StartOptions, 'lock' | 'line'> & { again?: string }): Promise<number> {
  const say = options.line ?? toStderr;
  const started = new Date();
  const code = await runChild(programFile, dir, (pid) => options.lock.transfer(pid), options.line);
  const run = new RunDirectory(dir);
  if (code === 130) {
    // The program says in status.json where it stopped (in the training, the evaluation, the teacher stage).
    const status = run.status();
    const where = status?.state === 'interrupted' && status.message !== undefined ? status.message : 'interrupted';
    say(`${dir}: ${where}; ${options.again ?? 'run the same command again'} to continue`);
  }
  if (code > 128 && code !== 130 && fs.existsSync(run.paths.resolved) && !failedSince(run, started)) {
    recordFailure(run, `the training program was killed (exit code ${code}) before it could say why`, say);
  }
  return code;
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
