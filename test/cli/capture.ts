/** `rekdc` in this process (main, as bin/rekdc.js calls it), its output captured: no start-up per call; or as a child process. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../src/cli/main.ts';

export interface Printed {
  code: number;
  stdout: string;
  stderr: string;
}

/** `rekdc args` in `cwd` (default: here) with `env` added (NO_COLOR=1 unless given); what it printed. */
export async function rekdcHere(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Printed> {
  const saved = { cwd: process.cwd(), env: { ...process.env }, stdout: process.stdout.write, stderr: process.stderr.write };
  const printed = { stdout: '', stderr: '' };
  const into = (stream: 'stdout' | 'stderr') => ((chunk: string) => ((printed[stream] += chunk), true)) as typeof process.stdout.write;
  if (options.cwd) process.chdir(options.cwd);
  for (const [name, value] of Object.entries({ NO_COLOR: '1', ...options.env })) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.stdout.write = into('stdout');
  process.stderr.write = into('stderr');
  try {
    const code = await main(args);
    return { code, ...printed };
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    process.env = saved.env;
    process.chdir(saved.cwd);
  }
}

/** `rekdc args` as the user starts it (bin/rekdc.js, a process of its own) in `cwd`, the caches in cwd/cache; what it printed. */
export function rekdcChild(cwd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.resolve('bin/rekdc.js'), ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', REKD_CACHE_DIR: path.join(cwd, 'cache') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
