/**
 * The formatter never changes what a file means: every file of experiments/ and of the golden
 * diagnostics (those without syntax errors) compiles to the same experiments, grid cells and
 * diagnostics before and after formatting, and formatting twice changes nothing. A property test
 * does the same over seeded mutations of experiments/*.rekd (test/language/mutations.ts) that
 * still parse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { formatSource } from '../../src/format/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { mutate } from '../language/mutations.ts';
import { meaning } from './meaning.ts';

const rekdFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.rekd')).sort().map((f) => path.join(dir, f));
const texts = new Map([...rekdFiles('experiments'), ...rekdFiles('test/baselines')].map((f) => [path.resolve(f), readFileSync(f, 'utf8')]));
/** Imports read the unformatted files: only the file formatted changes. */
const readFile = (absolutePath: string) => texts.get(absolutePath);

const MUTATIONS = Number(process.env.REKD_FORMAT_MUTATIONS ?? 200);
/** Mutated inputs larger than this are skipped: the mutator's huge files test limits, not layout. */
const MAX_MUTATED_LENGTH = 20_000;

/** Problems of formatting `text`: not idempotent, or a different meaning. Undefined when it does not parse. */
function formattingProblems(text: string, file: string): string[] | undefined {
  const once = formatSource(text, file);
  if (!once.ok) return undefined;
  const problems: string[] = [];
  const twice = formatSource(once.text, file);
  if (!twice.ok) problems.push(`the formatted text does not parse: ${twice.diagnostics[0].message}`);
  else if (twice.text !== once.text) problems.push('formatting the formatted text changes it');
  try {
    expect(meaning(once.text, file, readFile)).to.deep.equal(meaning(text, file, readFile));
  } catch (error) {
    problems.push(`the meaning changed: ${(error as Error).message.slice(0, 300)}`);
  }
  return problems;
}

describe('formatter keeps meaning', function () {
  this.timeout(120_000);

  for (const [file, text] of texts) {
    const name = path.relative(process.cwd(), file);
    it(name, function () {
      const problems = formattingProblems(text, name);
      if (problems === undefined) this.skip();
      expect(problems).to.deep.equal([]);
    });
  }

  it(`over ${MUTATIONS} mutated files that still parse: idempotent, same meaning`, () => {
    const sources = rekdFiles('experiments');
    const rng = new Rng(20261206);
    const failures: string[] = [];
    let parsed = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const file = sources[i % sources.length];
      const { text, operators } = mutate(rng, texts.get(path.resolve(file))!);
      if (text.length > MAX_MUTATED_LENGTH) continue;
      const problems = formattingProblems(text, file);
      if (problems === undefined) continue;
      parsed++;
      if (problems.length) failures.push(`#${i} ${file} (${operators.join(', ')}): ${problems.join('; ')}`);
    }
    expect(failures).to.deep.equal([]);
    // The property means something only if many mutants reached the formatter.
    expect(parsed).to.be.greaterThan(MUTATIONS / 10);
  });
});
