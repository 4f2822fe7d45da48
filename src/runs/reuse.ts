/**
 * Results reused across names: experiments with the same settings under other names (a grid's
 * cell equal to its base, the same cell in two grids) share a run id (runtime/run/identity.ts),
 * so a finished run `runs/<other>-<id>` already holds what `runs/<name>-<id>` would compute. Its
 * files are copied (checkpoints hard-linked) rather than trained again; resolved.json,
 * source.rekd and program.mts are the new experiment's, and report.md and its plots are rebuilt
 * under its name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/run/atomic.ts';
import { RunDirectory, runPaths } from '../runtime/run/directory.ts';
import { readRunInfo } from '../runtime/run/run-info.ts';
import { buildReport } from '../runtime/run/report.ts';
import { RunLock } from './lock.ts';

/** `runs/<name>-<id>` -> `<id>` (names are identifiers, without '-'). */
export const runIdOf = (dir: string): string => path.basename(dir).slice(path.basename(dir).lastIndexOf('-') + 1);

/** The run directories under `root` by run id, each list by name: read once by a caller asking for many runs' twins. */
export function runsById(root: string): Map<string, string[]> {
  let entries: string[];
  try {
    entries = fs.readdirSync(root).sort();
  } catch {
    entries = [];
  }
  const byId = new Map<string, string[]>();
  for (const entry of entries) {
    const id = runIdOf(entry);
    byId.set(id, [...(byId.get(id) ?? []), path.join(root, entry)]);
  }
  return byId;
}

/** The other run directories of `dir`'s id (the same settings under other names), by name. */
export const twinsOf = (dir: string, runs = runsById(path.dirname(dir))): string[] =>
  (runs.get(runIdOf(dir)) ?? []).filter((twin) => path.basename(twin) !== path.basename(dir));

/** Whether nothing has run in `dir` yet (no checkpoint, no status): only such a run copies a twin. */
export const untouched = (dir: string): boolean => {
  const run = new RunDirectory(dir);
  return !run.hasCheckpoint() && run.status() === undefined;
};

/**
 * The run that trained the results in `twin`, for a copy of them into `dir`: the one its run-info
 * names (even when moved away since: that is where they came from), else `twin`. Never `dir`
 * itself: a run folder moved from another runs folder may name a run of `dir`'s path there.
 */
function trainedBy(twin: string, dir: string): string {
  const named = readRunInfo(runPaths(twin).runInfo).copied_from;
  return named !== undefined && path.resolve(named) !== path.resolve(dir) ? named : twin;
}

/** Whether `dir`'s eval.json can be read: a damaged one is not copied. */
function readableEvaluation(dir: string): boolean {
  try {
    return new RunDirectory(dir).readEval() !== undefined;
  } catch {
    return false;
  }
}

/**
 * A finished twin of `dir` not being written by anyone, one that trained before one that is a
 * copy, then by name, so every front end picks the same one.
 */
export function finishedTwin(dir: string, runs = runsById(path.dirname(dir))): string | undefined {
  const finished = twinsOf(dir, runs).filter((twin) => new RunDirectory(twin).finished && RunLock.holder(twin) === null && readableEvaluation(twin));
  return finished.find((twin) => trainedBy(twin, dir) === twin) ?? finished[0];
}

/**
 * `to` made to hold the files of `from` as hard links (copies across file systems): checkpoints
 * are only ever replaced by a rename (runtime/run/atomic.ts), never written in place, so the two
 * runs share their bytes safely and a copy of a grid's cell costs no disk.
 */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      linkTree(source, target);
      continue;
    }
    fs.rmSync(target, { force: true });
    try {
      fs.linkSync(source, target);
    } catch {
      fs.copyFileSync(source, target);
    }
  }
}

/**
 * Copies the results of `twin` into `dir`, whose resolved.json, source.rekd and program.mts are
 * already written. status.json comes after the results: a copy cut short has no status, so the
 * next run resumes from the copied checkpoints (only the final evaluation) instead of taking it
 * as done; report.md, which shows the status, after it. Returns the run that trained the results.
 */
export function copyTwin(twin: string, dir: string): string {
  const from = runPaths(twin);
  const to = runPaths(dir);
  const trainer = trainedBy(twin, dir);
  // First, so that a copy cut short and resumed still says where its training came from. A copy of
  // a copy names the run that trained, so the trail survives the copy in between.
  writeJsonAtomic(to.runInfo, { ...readRunInfo(from.runInfo), copied_from: trainer });
  for (const key of ['metrics', 'eval'] as const) {
    if (fs.existsSync(from[key])) fs.cpSync(from[key], to[key]);
  }
  if (fs.existsSync(from.checkpoints)) linkTree(from.checkpoints, to.checkpoints);
  writeFileAtomic(to.status, fs.readFileSync(from.status));
  buildReport(dir);
  return trainer;
}
