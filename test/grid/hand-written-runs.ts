/** For grid tests that train nothing: a fresh folder per test and cell run directories written by hand. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRunDirectory } from '../../src/runtime/run/directory.ts';

/** Call inside a describe: `cwd` is a fresh temporary folder for each test (removed after it), `runs` the runs folder in it. */
export function folderPerTest(prefix: string): { readonly cwd: string; readonly runs: string } {
  const folder = { cwd: '', runs: '' };
  beforeEach(() => {
    folder.cwd = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    folder.runs = path.join(folder.cwd, 'runs');
  });
  afterEach(() => fs.rmSync(folder.cwd, { recursive: true, force: true }));
  return folder;
}

/** A run directory as a finished run (given its evaluation) or an interrupted one leaves it: resolved.json, status, eval.json. */
export function fakeRun(dir: string, resolved: unknown, evaluation?: unknown): void {
  const run = openRunDirectory(dir, { resolved });
  run.setStatus(evaluation ? 'finished' : 'interrupted', { step: 4, epoch: 2 });
  if (evaluation) run.writeEval(evaluation);
}
