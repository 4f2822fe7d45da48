/** `rekdc` in this process (main, as bin/rekdc.js calls it), its output captured: no start-up per call. */
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
