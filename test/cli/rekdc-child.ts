/** `rekdc` as a user runs it: a child process in a folder of its own, its output gathered. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const rekdc = path.resolve(import.meta.dirname, '..', '..', 'bin', 'rekdc.js');

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  /** What it wrote to stderr so far (progress lines when not on a terminal). */
  stderr: () => string;
  done: Promise<Outcome>;
}

/** Starts `rekdc args` in `cwd`. */
export function startRekdc(cwd: string, args: string[]): Started {
  // The floor cache inside the workspace: runs here neither read nor fill the user's.
  const env = { ...process.env, NO_COLOR: '1', REKD_CACHE_DIR: path.join(cwd, 'cache') };
  const child = spawn(process.execPath, [rekdc, ...args], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Outcome>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, stderr: () => stderr, done };
}

/** Resolves once `condition()` holds (polled every 50 ms); rejects after `timeoutMs`, naming `what` it waited for. */
export async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `rekdc args` in `cwd`, run to its end. */
export const rekdcIn = (cwd: string, ...args: string[]): Promise<Outcome> => startRekdc(cwd, args).done;

/** A fresh temporary folder (its name starting with `prefix`) holding `files` (name -> content). */
export function workspaceWith(prefix: string, files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

export const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
