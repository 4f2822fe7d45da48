/**
 * Fuzzing the front end: seeded mutations of experiments/*.rekd (test/language/mutations.ts)
 * compiled in-process through parsing, checks, resolution and grid expansion. Every input gets
 * diagnostics or compiles; none throws, takes over 2 s, or has a diagnostic outside the file or
 * whose line and column disagree with its offset. 2,000 mutations by default;
 * `REKD_FUZZ=10000 npx mocha test/language/fuzz.test.ts` runs more, REKD_FUZZ_SEED another seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { compileSource } from '../../src/compiler.ts';
import { Rng } from '../../src/runtime/random.ts';
import { diagnosticProblems } from './diagnostic-problems.ts';
import { mutate } from './mutations.ts';

const COUNT = Number(process.env.REKD_FUZZ ?? 2000);
const SEED = Number(process.env.REKD_FUZZ_SEED ?? 20261205);
const MAX_MS = 2000;

const DIR = 'experiments';
const files = readdirSync(DIR).filter((f) => f.endsWith('.rekd')).sort().map((f) => path.join(DIR, f));
const texts = new Map(files.map((f) => [path.resolve(f), readFileSync(f, 'utf8')]));
// Imports resolve to the unmutated files, read once.
const readFile = (absolutePath: string) => texts.get(absolutePath);

/** CPU time in ms: unlike wall time, not stretched by other processes on a shared machine. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

describe(`fuzz: ${COUNT} seeded mutations of ${DIR}/*.rekd (seed ${SEED})`, function () {
  this.timeout(Math.max(120_000, COUNT * 60));

  it('every input compiles or gets sound diagnostics, without throwing, within 2 s', () => {
    const failures: string[] = [];
    const root = new Rng(SEED);
    for (let index = 0; index < COUNT; index++) {
      // A stream per index: one failing input is reproduced from the seed and its index alone.
      const rng = root.fork(`mutation ${index}`);
      const file = files[rng.int(files.length)];
      const input = mutate(rng, texts.get(path.resolve(file))!);
      const where = `#${index} ${file} (${input.operators.join(', ')}; ${input.text.length} chars)`;
      const started = cpuMs();
      try {
        const result = compileSource(input.text, file, { readFile });
        const elapsed = cpuMs() - started;
        if (elapsed > MAX_MS) failures.push(`${where}: took ${elapsed.toFixed(0)} ms of CPU`);
        for (const problem of diagnosticProblems(result)) failures.push(`${where}: ${problem}`);
      } catch (error) {
        failures.push(`${where}: threw ${(error as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(error)}`);
      }
    }
    const shown = 20;
    expect(failures.length, `failures (the first ${shown}):\n${failures.slice(0, shown).join('\n')}\n`).to.equal(0);
  });
});
