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

/** What is wrong with compiling `text` as `file`: a throw, over MAX_MS of CPU, unsound diagnostics. */
function compileProblems(text: string, file: string): string[] {
  const started = cpuMs();
  try {
    const result = compileSource(text, file, { readFile });
    const elapsed = cpuMs() - started;
    return [...(elapsed > MAX_MS ? [`took ${elapsed.toFixed(0)} ms of CPU`] : []), ...diagnosticProblems(result)];
  } catch (error) {
    return [`threw ${(error as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(error)}`];
  }
}

const quickstart = texts.get(path.resolve(DIR, 'quickstart.rekd'))!.split('// Ablation')[0];
/** The inputs that crashed or hung the front end before it had limits, each named. */
const KNOWN: Record<string, string> = {
  '1,000 nested braces': `experiment e {\n${'a {\n'.repeat(1000)}${'}\n'.repeat(1001)}`,
  '1,000 nested brackets': `experiment e { seed = ${'['.repeat(1000)}1${']'.repeat(1000)} }`,
  '1,000 nested parentheses': `${quickstart}grid g of quickstart { seed = [1]\n where ${'('.repeat(1000)}seed == 1${')'.repeat(1000)} }`,
  "1,000 'not's": `${quickstart}grid g of quickstart { seed = [1]\n where ${'not '.repeat(1000)}seed == 1 }`,
  '700 lines of opening braces': `experiment e {\n${'x {\n'.repeat(700)}`,
  '5,000 lines of junk in a block': `experiment e {\n${'a = 1 ]\n'.repeat(5000)}}`,
  '5,000 lines of kinds without blocks': `experiment e {\n${'a b\n'.repeat(5000)}}`,
  '50,000 lines of junk': Array.from({ length: 50_000 }, (_, i) => ['x = ', '{', '}', 'a b', '= =', '[', 'grid', ']'][i % 8]).join('\n'),
  'a grid of 5 axes x 10 values': `${quickstart}grid g of quickstart {\n${['seed', 'batch_size', 'log_every', 'checkpoint_every', 'eval.knn.k']
    .map((p) => `  ${p} = [${Array.from({ length: 10 }, (_, i) => i + 2).join(', ')}]`).join('\n')}\n}`,
  'a 100,000-character path in a grid of 900 cells': `${quickstart}grid g of quickstart {\n  seed = [${Array.from({ length: 30 }, (_, i) => i).join(', ')}]\n`
    + `  log_every = [${Array.from({ length: 30 }, (_, i) => i + 1).join(', ')}]\n  s${'x'.repeat(100_000)} = [1]\n}`,
  'lone carriage returns': quickstart.replace(/\n/g, '\r').replace('seed    = 7', 'seed = @'),
};

describe(`fuzz: ${COUNT} seeded mutations of ${DIR}/*.rekd (seed ${SEED})`, function () {
  this.timeout(Math.max(120_000, COUNT * 60));

  for (const [name, text] of Object.entries(KNOWN)) {
    it(`${name}: diagnostics, no throw, within 2 s`, () => {
      expect(compileProblems(text, 'known.rekd')).to.deep.equal([]);
    });
  }

  it('every input compiles or gets sound diagnostics, without throwing, within 2 s', () => {
    const failures: string[] = [];
    const root = new Rng(SEED);
    for (let index = 0; index < COUNT; index++) {
      // A stream per index: one failing input is reproduced from the seed and its index alone.
      const rng = root.fork(`mutation ${index}`);
      const file = files[rng.int(files.length)];
      const input = mutate(rng, texts.get(path.resolve(file))!);
      const where = `#${index} ${file} (${input.operators.join(', ')}; ${input.text.length} chars)`;
      for (const problem of compileProblems(input.text, file)) failures.push(`${where}: ${problem}`);
    }
    const shown = 20;
    expect(failures.length, `failures (the first ${shown}):\n${failures.slice(0, shown).join('\n')}\n`).to.equal(0);
  });
});
