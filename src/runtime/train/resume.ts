/**
 * Which checkpoint a run resumes from: the newest intact one among latest, previous and best.
 * Damaged ones are named and moved aside (kept for inspection, and so that the next save does not
 * rotate a damaged `latest` into `previous` over an intact one).
 */
import * as fs from 'node:fs';
import { CheckpointError, checkpointMetadata } from '../checkpoint.ts';
import { asWriteError } from '../run/atomic.ts';
import type { RunDirectory } from '../run/directory.ts';
import type { TrainingMetadata } from './state.ts';

export interface ResumePoint {
  file: string;
  step: number;
  /** The checkpoints that failed verification, each with what is wrong. */
  damaged: Array<{ file: string; problem: string }>;
}

/**
 * Of `files` (most preferred first), the intact one with the highest step; the earlier file wins a
 * tie. None intact is a CheckpointError naming each problem and how to start over.
 */
export function newestIntactCheckpoint(files: string[]): ResumePoint {
  let newest: { file: string; step: number } | undefined;
  const damaged: ResumePoint['damaged'] = [];
  for (const file of files) {
    try {
      const { step } = checkpointMetadata<TrainingMetadata>(file);
      if (newest === undefined || step > newest.step) newest = { file, step };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      damaged.push({ file, problem: error.message });
    }
  }
  if (newest === undefined) {
    throw new CheckpointError(
      `no intact checkpoint to resume from (${damaged.map((d) => d.problem).join('; ')}); ` +
        'to start over, run it again with --force (rekdc run <file> --force), which deletes them',
    );
  }
  return { ...newest, damaged };
}

/** The checkpoint `run` resumes from, after saying what was damaged (moved to `<name>.damaged`) and where it resumes. */
export function chooseResumePoint(run: RunDirectory, log: (text: string) => void): ResumePoint {
  const point = newestIntactCheckpoint(run.checkpointFiles());
  for (const { file, problem } of point.damaged) {
    const aside = `${file}.damaged`;
    try {
      fs.renameSync(file, aside);
    } catch (error) {
      throw asWriteError(aside, error);
    }
    log(`${problem}; moved aside to ${aside}`);
  }
  log(`resuming from ${point.file} at step ${point.step}`);
  return point;
}
