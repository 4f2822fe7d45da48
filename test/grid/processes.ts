/** Child processes of the queue tests: started with their output gathered, and waited on. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface Proc { child: ChildProcess; stderr: () => string; exited: Promise<number | null> }

/** Starts `command` in `cwd`; `stderr()` is all it has written so far (stdout and stderr). */
export function start(command: string, args: string[], cwd: string): Proc {
  // The floor cache inside the workspace: cells here neither read nor fill the user's.
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', REKD_CACHE_DIR: path.join(cwd, 'cache') } });
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stderr += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

export async function until(condition: () => boolean, what: string, timeoutMs: number, output: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
