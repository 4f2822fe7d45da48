/**
 * `npm run bench [-- OPTIONS]`: runs every benchmark module in this folder, then the training
 * benchmark. Options: --only=train,parse (modules), --models=student,teacher (training models
 * whose name starts with one of these), --steps=N, --profile, --backend=B, --threads=N (the "all
 * cores" count of the training benchmark, default every core; REKD_CPU=avx2 forces the AVX2 kernels).
 * Convention: a module exports async functions named `bench...`, callable with no arguments.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { initBackend, type BackendChoice } from '../src/runtime/backend.ts';
import { benchTrain, defaultTrainBench } from './train.ts';

const here = dirname(fileURLToPath(import.meta.url));

function option(name: string): string | undefined {
  const arg = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : 'true';
}

function positiveInteger(name: string): number | undefined {
  const value = option(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const only = option('only')?.split(',');
  const wanted = (module: string) => only === undefined || only.includes(module);
  await initBackend((option('backend') ?? 'auto') as BackendChoice, {
    log: (line) => console.log(line),
  });
  const modules = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'train.ts')
    .map((f) => f.slice(0, -3))
    .filter(wanted);
  for (const module of modules) {
    const exports = (await import(pathToFileURL(join(here, `${module}.ts`)).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(exports)) {
      if (name.startsWith('bench') && typeof fn === 'function') await (fn as () => Promise<unknown>)();
    }
  }
  if (wanted('train')) {
    const steps = positiveInteger('steps');
    const threads = positiveInteger('threads');
    const prefixes = option('models')?.split(',');
    const models = defaultTrainBench.models.filter((m) => prefixes === undefined || prefixes.some((p) => m.name.startsWith(p)));
    await benchTrain({ ...(steps === undefined ? {} : { steps }), ...(threads === undefined ? {} : { threads }), models, profile: option('profile') === 'true' });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
