/**
 * Safe interruption. The first Ctrl-C (SIGINT) or SIGTERM asks the program to stop at the next
 * boundary: the training loop after the current step (saving a checkpoint), an evaluation after its
 * current batch (training is saved by then), and between phases (a teacher's pretrain stage, the
 * student's training, the final evaluation) before the next one starts. A second one quits at once.
 * One stop request lives for the whole program (runProgram's), so a request that arrives at the
 * end of one phase is seen by the next. `runProgram` turns the outcome into exit codes: 130 for an
 * interrupted run, 1 for a user-facing error (message only), 70 for an internal error (with its stack).
 */
import { debugDetail, environmentProblem, userErrorMessage } from '../user-problems.ts';
import { openRunDirectory, type RunDirectory, type RunStatus } from './directory.ts';
import { failedSince, recordFailure } from './failure.ts';

/**
 * What a run was doing when a stop was asked for (what stopping keeps and what running again does
 * differ): `setup` before any phase, `complete` between phases, after one ended.
 */
export type RunPhase = 'setup' | 'training' | 'evaluation' | 'complete';

/** Whose phase it was: the run's own, or its offline teacher's pretrain stage (in a run directory of its own). */
export type RunStage = 'run' | 'teacher';

const DURING_EVALUATION = 'during the final evaluation; training is complete and saved';

/** Where a stop left the run, in words: what was running and what is saved. */
function whereStopped(step: number, phase: RunPhase, stage: RunStage): string {
  if (stage === 'teacher') {
    if (phase === 'evaluation') return 'during the teacher\'s evaluation (its pretraining is complete and saved)';
    if (phase === 'complete') return 'after the teacher stage (pretrained, evaluated and saved)';
    return step === 0 ? 'before the teacher\'s pretraining started' : `at the teacher's pretraining step ${step}; its checkpoint was saved`;
  }
  if (phase === 'evaluation' || phase === 'complete') return `${DURING_EVALUATION} (step ${step})`;
  return step === 0 ? 'before training started' : `at step ${step}; a checkpoint was saved`;
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly step: number, readonly signal: string, readonly phase: RunPhase = 'training', readonly stage: RunStage = 'run') {
    super(`interrupted by ${signal} ${whereStopped(step, phase, stage)}`);
  }

  /** status.json's message: where the run stopped, without the signal. */
  get statusMessage(): string {
    return `interrupted ${whereStopped(this.step, this.phase, this.stage)}`;
  }

  /** The same stop, inside an offline teacher's pretrain stage. */
  inTeacherStage(): InterruptedError {
    return new InterruptedError(this.step, this.signal, this.phase, 'teacher');
  }
}

/** Whether `status` is that of a run stopped in its final evaluation: its training is complete, running it again only evaluates. */
export const trainingComplete = (status: RunStatus | undefined): boolean =>
  status?.state === 'interrupted' && status.message?.startsWith(`interrupted ${DURING_EVALUATION}`) === true;

export const exitCodes = { ok: 0, userError: 1, internalError: 70, interrupted: 130 } as const;

const toStderr = (text: string) => process.stderr.write(text + '\n');

export class StopRequest {
  /** The signal that asked to stop, once one arrived. */
  signal: string | undefined;
  private readonly handler = (signal: NodeJS.Signals) => this.onSignal(signal);

  constructor(
    /** Where the notes on a signal go: the running phase's log. */
    public notify: (text: string) => void = toStderr,
    /** What runs now: what the note on a signal promises. */
    public phase: RunPhase = 'training',
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
    const promise = training ? 'stopping after this step and saving a checkpoint'
      : this.phase === 'evaluation' ? 'stopping the evaluation' : 'stopping before the next phase starts';
    this.notify(`\n${signal}: ${promise} (again to quit now)`);
  }
}

/** runProgram's stop request, for the whole program. */
let programStop: StopRequest | undefined;

/**
 * The stop request for `phase`: the program's, told what runs now until `release` (which tells it
 * the phase is complete), or, outside a program (a test calling train or evaluate), one of its own
 * that `release` removes.
 */
export function stopRequestFor(phase: RunPhase, notify: (text: string) => void): { stop: StopRequest; release: () => void } {
  const shared = programStop;
  if (shared === undefined) {
    const own = new StopRequest(notify, phase).install();
    return { stop: own, release: () => own.dispose() };
  }
  shared.phase = phase;
  shared.notify = notify;
  return {
    stop: shared,
    release: () => {
      shared.phase = 'complete';
      shared.notify = toStderr;
    },
  };
}

/**
 * Makes one stop request live until `release` (runProgram: the whole program; a test: several
 * phases), so every phase and boundary sees a stop asked for at any moment.
 */
export function holdProgramStop(): { release: () => void } {
  const held = new StopRequest(toStderr, 'setup').install();
  programStop = held;
  return {
    release: () => {
      held.dispose();
      if (programStop === held) programStop = undefined;
    },
  };
}

/** At a boundary between phases: the stop asked for so far in the program, as the error that ends it there (undefined: go on). */
export function stopAtBoundary(step: number, phase: RunPhase, stage: RunStage): InterruptedError | undefined {
  return programStop?.signal === undefined ? undefined : new InterruptedError(step, programStop.signal, phase, stage);
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
 * and exits 130 (resumable), inside an evaluation it stops after the current batch, elsewhere at
 * the next boundary between phases. Nobody reads its output any more, so a write to a closed pipe
 * must not crash it before the checkpoint.
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
 * A stop in the teacher's pretrain stage, in the run's own status.json (the stage keeps its own):
 * where the teacher stopped and where the run itself is. Returns the latter.
 */
function recordTeacherStop(run: RunDirectory, error: InterruptedError): string {
  const status = run.status();
  const step = status?.step ?? 0;
  const student = step === 0 ? 'the student has not started' : `the student is at step ${step}`;
  run.setStatus('interrupted', { step, epoch: status?.epoch ?? 0 }, `${error.statusMessage}; ${student}`);
  return student;
}

/**
 * Opens the program's run directory, runs its body on it and exits with the code its outcome calls
 * for. An error once the directory is open (setup, training, evaluation) is recorded there
 * (recordFailure), unless the training loop recorded it already, with its step; an interruption
 * in the run's own phases is recorded by them, one in its teacher's pretrain stage here.
 */
export async function runProgram(program: ProgramRun, body: (run: RunDirectory) => Promise<void>): Promise<never> {
  holdProgramStop();
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
      const interruption = error as InterruptedError;
      message = run && interruption.stage === 'teacher' ? `${interruption.message}; ${recordTeacherStop(run, interruption)}` : interruption.message;
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
