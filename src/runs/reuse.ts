/**
 * Results reused across names: experiments with the same settings under other names (a grid's
 * cell equal to its base, the same cell in two grids) share a run id (runtime/run/identity.ts),
 * so a finished run `runs/<other>-<id>` already holds what `runs/<name>-<id>` would compute. Its
 * files are copied rather than trained again; resolved.json, source.rekd and program.mts are the
 * new experiment's, and report.md and its plots are rebuilt under its name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../runtime/run/atomic.ts';
import { RunDirectory, runPaths } from '../runtime/run/directory.ts';
import { readRunInfo } from '../runtime/run/run-info.ts';
import { buildReport } from '../runtime/run/report.ts';
import { RunLock } from './lock.ts';

/** `runs/<name>-<id>` -> `<id>` (names are identifiers, without '-'). */
const idOf = (dir: string): string => path.basename(dir).slice(path.basename(dir).lastIndexOf('-') + 1);

/**
 * A finished run of the same id as `dir` under another name, not being written by anyone; the
 * first by name, so every front end picks the same one.
 */
export function finishedTwin(dir: string): string | undefined {
  const root = path.dirname(dir);
  const suffix = `-${idOf(dir)}`;
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return undefined;
  }
  return entries.filter((entry) => entry.endsWith(suffix) && entry !== path.basename(dir)).sort()
    .map((entry) => path.join(root, entry))
    .find((twin) => new RunDirectory(twin).finished && RunLock.holder(twin) === null);
}

/**
 * Copies the results of `twin` into `dir`, whose resolved.json, source.rekd and program.mts are
 * already written. status.json comes after the results: a copy cut short has no status, so the
 * next run resumes from the copied checkpoints (only the final evaluation) instead of taking it
 * as done; report.md, which shows the status, after it.
 */
export function copyTwin(twin: string, dir: string): void {
  const from = runPaths(twin);
  const to = runPaths(dir);
  for (const key of ['metrics', 'checkpoints', 'eval'] as const) {
    if (fs.existsSync(from[key])) fs.cpSync(from[key], to[key], { recursive: true });
  }
  writeJsonAtomic(to.runInfo, { ...readRunInfo(from.runInfo), copied_from: twin });
  fs.copyFileSync(from.status, to.status);
  buildReport(dir);
}
