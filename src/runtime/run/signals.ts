/**
 * Safe interruption. The first Ctrl-C (SIGINT) or SIGTERM asks the training loop to stop after the
 * current step and save a checkpoint, or the final evaluation to stop after its current batch
 * (training is saved by then); a second one quits at once. `runProgram` turns the outcome into
 * exit codes: 130 for an interrupted run, 1 for a user-facing error (message only), 70 for an
 * internal error (with its stack).
 */
import { debugDetail, environmentProblem, userErrorMessage } from '../user-problems.ts';
import { openRunDirectory, type RunDirectory } from './directory.ts';
import { failedSince, recordFailure } from './failure.ts';

/** What a run was doing when a stop was asked for: what stopping keeps and what running again does differ. */
export type RunPhase = 'training' | 'evaluation';

export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly step: number, readonly signal: string, readonly phase: RunPhase = 'training') {
    super(phase === 'training'
      ? `interrupted by ${signal} at step ${step}; a checkpoint was saved, resume with --resume`
      : `interrupted by ${signal} during the final evaluation; training is complete and saved (step ${step})`);
  }
}

export const exitCodes = { ok: 0, userError: 1, internalError: 70, interrupted: 130 } as const;

export class StopRequest {
  /** The signal that asked to stop, once one arrived. */
  signal: string | undefined;
  private readonly handler = (signal: NodeJS.Signals) => this.onSignal(signal);

  constructor(
    private readonly notify: (text: string) => void = (t) => process.stderr.write(t + '\n'),
    private readonly phase: RunPhase = 'training',
  ) {}

  install(): this {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
    return this;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  get requested(): boolean {
    return this.signal !== undefined;
  }

  private onSignal(signal: NodeJS.Signals): void {
    const training = this.phase === 'training';
    if (this.signal !== undefined) {
      this.notify(`\n${signal} again: quitting ${training ? 'without a checkpoint' : 'now'}`);
      process.exit(exitCodes.interrupted);
    }
    this.signal = signal;
    this.notify(training
      ? `\n${signal}: stopping after this step and saving a checkpoint (again to quit now)`
      : `\n${signal}: stopping the final evaluation (again to quit now)`);
  }
}

/**
 * Lets the event loop deliver a pending signal. Signals arrive through it: a loop of batches that
 * never waits (a loader answering from memory, an evaluation) would otherwise never see Ctrl-C.
 */
export const letSignalsIn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const builtinErrors: Function[] = [Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/**
 * Our own Error subclasses (RunError, DataError, ...) and system errors the environment caused (a
 * folder that is not writable, a full disk) describe user problems; other built-in ones are bugs.
 */
export function isUserError(error: unknown): error is Error {
  return error instanceof Error && (!builtinErrors.includes(error.constructor) || environmentProblem(error) !== undefined);
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof InterruptedError) return exitCodes.interrupted;
  return isUserError(error) ? exitCodes.userError : exitCodes.internalError;
}

/** Set by `rekdc run` (and a grid worker) to its pid for the training program it starts. */
export const PARENT_PID_VARIABLE = 'REKD_PARENT_PID';

/**
 * Calls `gone` once the process `parent` is no longer our parent (it died: SIGKILL, the OOM killer,
 * a CI job ending). We poll our parent pid rather than watch a pipe or an IPC channel: it needs no
 * handle from the parent (stdin stays the terminal's; tsx has its own use for IPC), notices any
 * death, and comparing with the pid we were given (not with 1) also works under a subreaper and
 * when the parent died before we got here.
 */
export function watchParent(parent: number, gone: () => void, everyMs = 250): void {
  const check = () => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  };
  const timer = setInterval(check, everyMs).unref();
  check();
}

/**
 * An orphaned training program stops as on SIGTERM: inside the training loop it saves a checkpoint
 * and exits 130 (resumable), inside the final evaluation it stops after the current batch (exit
 * 130, evaluated again on the next run), elsewhere it ends at once. Nobody reads its output any more, so a
 * write to a closed pipe must not crash it before the checkpoint.
 */
function stopWhenOrphaned(): void {
  const parent = Number(process.env[PARENT_PID_VARIABLE]);
  if (!Number.isInteger(parent) || parent <= 0) return;
  watchParent(parent, () => {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    process.stderr.write(`\nthe rekdc process that started this program (pid ${parent}) has ended\n`);
    process.kill(process.pid, 'SIGTERM');
  });
}

/** What a generated program runs on: its run directory and the resolved experiment it keeps. */
export interface ProgramRun {
  runDir: string;
  resolved: unknown;
}

/**
 * Opens the program's run directory, runs its body on it and exits with the code its outcome calls
 * for. An error once the directory is open (setup, training, evaluation) is recorded there
 * (recordFailure), unless the training loop recorded it already, with its step.
 */
export async function runProgram(program: ProgramRun, body: (run: RunDirectory) => Promise<void>): Promise<never> {
  stopWhenOrphaned();
  let code: number = exitCodes.ok;
  let run: RunDirectory | undefined;
  try {
    run = openRunDirectory(program.runDir, { resolved: program.resolved });
    await body(run);
  } catch (error) {
    code = exitCodeFor(error);
    let message: string;
    if (code === exitCodes.internalError) {
      message = `internal error (please report): ${(error as Error)?.message ?? String(error)}`;
      process.stderr.write(`internal error (please report): ${(error as Error)?.stack ?? String(error)}\n`);
    } else if (code === exitCodes.interrupted) {
      message = (error as Error).message;
      process.stderr.write(`${message}\n`);
    } else {
      message = userErrorMessage(error) ?? (error as Error).message;
      process.stderr.write(`error: ${message}\n${debugDetail(error)}`);
    }
    if (run && code !== exitCodes.interrupted && !failedSince(run, run.opened)) recordFailure(run, message, (text) => process.stderr.write(`${text}\n`));
  }
  // Loader worker threads or pending timers must not keep a finished program alive.
  process.exit(code);
}
