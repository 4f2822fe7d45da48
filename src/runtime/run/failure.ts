/**
 * A run that stopped on an error says why in its own folder: status.json `failed` with the message
 * (written atomically) and report.md rebuilt to show it, whether the error came in the training loop,
 * at setup (data, a teacher checkpoint) or in the evaluation.
 */
import type { RunDirectory } from './directory.ts';
import { buildReport } from './report.ts';
import { WriteError } from './atomic.ts';

/**
 * Marks `run` failed with `message` at `progress` (default: where its status last was) and rebuilds
 * report.md. A file that cannot be written (a full disk) is reported through `log`, never thrown
 * over the failure being recorded.
 */
export function recordFailure(run: RunDirectory, message: string, log: (text: string) => void, progress?: { step: number; epoch: number }): void {
  const last = run.status();
  try {
    run.setStatus('failed', progress ?? { step: last?.step ?? 0, epoch: last?.epoch ?? 0 }, message);
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    log(`status.json not updated: ${error.message}`);
    return;
  }
  try {
    buildReport(run.dir);
  } catch (error) {
    // Damaged metrics or a full disk: status.json already says why the run stopped.
    log(`report.md not rebuilt: ${(error as Error).message}`);
  }
}

/** Whether `run`'s status is a failure recorded at or after `since` (by this session, not an earlier one). */
export function failedSince(run: RunDirectory, since: Date): boolean {
  const status = run.status();
  return status?.state === 'failed' && Date.parse(status.updated) >= since.getTime();
}
