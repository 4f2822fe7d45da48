/**
 * The cache of passing type-check verdicts: a hit skips the checker, anything the verdict depends
 * on (program text, file name, runtime fingerprint, a file the check read) misses, a failing
 * program is never stored, and an entry is trusted only under its own key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { checkPrograms, GeneratedProgramError, type GeneratedProgram } from '../../src/codegen/index.ts';
import { cachedTypeCheckAll, verdictKey, type TypeCheckCacheOptions } from '../../src/codegen/typecheck-cache.ts';
import { typeCheckAll, type ProgramFile, type TypeCheckResult } from '../../src/codegen/typecheck.ts';

const program = 'generated/quickstart/quickstart.mts';
const good = fs.readFileSync(program, 'utf8');
const broken = good.replace('batch_size: 128,', 'batch_size: "128",');

type Checker = (files: readonly ProgramFile[]) => TypeCheckResult[];

/** A checker that counts its calls and the files it was given, and otherwise behaves like `check`. */
function counting(check: Checker = typeCheckAll) {
  const counter = {
    calls: 0,
    files: [] as string[],
    check: (files: readonly ProgramFile[]) => {
      counter.calls += 1;
      counter.files.push(...files.map((f) => f.fileName));
      return check(files);
    },
  };
  return counter;
}

/** A checker that passes everything, having "read" `inputs`. */
const passing = (inputs = new Map<string, string>()): Checker => (files) => files.map(() => ({ problems: [], inputs }));

/** The problems of one program, through the cache. */
const cachedTypeCheck = (text: string, fileName: string, options: TypeCheckCacheOptions) => cachedTypeCheckAll([{ text, fileName }], options)[0];

describe('type-check verdict cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-typecheck-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const entries = () => fs.readdirSync(dir).filter((name) => name.endsWith('.json'));

  it('answers a program that passed before without running the checker', function () {
    this.timeout(120_000);
    const checker = counting();
    const options: TypeCheckCacheOptions = { dir, runtime: 'runtime-1', check: checker.check };
    expect(cachedTypeCheck(good, program, options)).to.deep.equal([]);
    expect(checker.calls).to.equal(1);
    expect(entries()).to.have.length(1);
    expect(cachedTypeCheck(good, program, options)).to.deep.equal([]);
    expect(checker.calls, 'the second check is a hit').to.equal(1);
  });

  it('misses when the program text, its file name or the runtime fingerprint differs', () => {
    const checker = counting(passing());
    const options = { dir, runtime: 'runtime-1', check: checker.check };
    cachedTypeCheck(good, program, options);
    cachedTypeCheck(`${good}\n// another program\n`, program, options);
    expect(checker.calls).to.equal(2);
    cachedTypeCheck(good, 'generated/quickstart/other.mts', options);
    expect(checker.calls).to.equal(3);
    cachedTypeCheck(good, program, { ...options, runtime: 'runtime-2' });
    expect(checker.calls).to.equal(4);
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'the first verdict is still there').to.equal(4);
    expect(verdictKey(good, program, 'r')).to.equal(verdictKey(good, path.resolve(program), 'r'));
  });

  it('misses when a file the check read has changed or is gone, and hits again when its text is back', () => {
    const input = path.join(dir, 'runtime-types.d.ts');
    fs.writeFileSync(input, 'export type Width = number;\n');
    const checker = counting(passing(new Map([[input, 'export type Width = number;\n']])));
    const options = { dir: path.join(dir, 'cache'), runtime: 'runtime-1', check: checker.check };
    cachedTypeCheck(good, program, options);
    cachedTypeCheck(good, program, options);
    expect(checker.calls).to.equal(1);
    fs.writeFileSync(input, 'export type Width = string;\n');
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'changed input').to.equal(2);
    fs.writeFileSync(input, 'export type Width = number;\n');
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'the verdict holds for the text it read').to.equal(2);
    fs.rmSync(input);
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'missing input').to.equal(3);
  });

  it('misses for every program whose input set changed, when several share it', () => {
    const input = path.join(dir, 'runtime-types.d.ts');
    fs.writeFileSync(input, 'export type Width = number;\n');
    const checker = counting(passing(new Map([[input, 'export type Width = number;\n']])));
    const options = { dir: path.join(dir, 'cache'), runtime: 'runtime-1', check: checker.check };
    const files = ['a', 'b'].map((name) => ({ text: good, fileName: `generated/quickstart/${name}.ts` }));
    cachedTypeCheckAll(files, options);
    fs.writeFileSync(input, 'export type Width = string;\n');
    cachedTypeCheckAll(files, options);
    expect(checker.files).to.deep.equal([...files, ...files].map((f) => f.fileName));
  });

  it('never stores a failing program: it is checked and reported every time', function () {
    this.timeout(120_000);
    const checker = counting();
    const options = { dir, runtime: 'runtime-1', check: checker.check };
    for (const attempt of [1, 2]) {
      const problems = cachedTypeCheck(broken, program, options);
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.match(/string.*number/);
      expect(checker.calls).to.equal(attempt);
    }
    expect(entries()).to.deep.equal([]);
  });

  it('trusts a stored pass only under its own key', function () {
    this.timeout(120_000);
    // Poison: a pass recorded for the broken program under one runtime fingerprint.
    cachedTypeCheck(broken, program, { dir, runtime: 'runtime-1', check: passing() });
    const checker = counting();
    expect(cachedTypeCheck(broken, program, { dir, runtime: 'runtime-1', check: checker.check })).to.deep.equal([]);
    expect(checker.calls, 'the same key is a hit, poisoned or not').to.equal(0);
    const problems = cachedTypeCheck(broken, program, { dir, runtime: 'runtime-2', check: checker.check });
    expect(checker.calls).to.equal(1);
    expect(problems).to.have.length(1);
  });

  it('checks again when an entry or its input set is unreadable or altered, and the miss repairs it', () => {
    const input = path.join(dir, 'runtime-types.d.ts');
    fs.writeFileSync(input, 'export type Width = number;\n');
    const checker = counting(passing(new Map([[input, 'export type Width = number;\n']])));
    const cache = path.join(dir, 'cache');
    const options = { dir: cache, runtime: 'runtime-1', check: checker.check };
    cachedTypeCheck(good, program, options);
    const [entry] = fs.readdirSync(cache).filter((name) => name.endsWith('.json'));
    const [set] = fs.readdirSync(path.join(cache, 'inputs'));
    // An emptied input set would vouch for nothing: it no longer has the hash it is named by.
    fs.writeFileSync(path.join(cache, 'inputs', set), '{}');
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'input set altered').to.equal(2);
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'the miss repaired it').to.equal(2);
    fs.writeFileSync(path.join(cache, entry), '{"inputs":');
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'entry unreadable').to.equal(3);
    cachedTypeCheck(good, program, options);
    expect(checker.calls, 'the miss repaired it').to.equal(3);
  });

  it('checks the misses of several programs together, each with the verdict it gets alone', function () {
    this.timeout(120_000);
    const other = good.replace('seed: 7', 'seed: 8');
    const files = [
      { text: good, fileName: program },
      { text: broken, fileName: 'generated/quickstart/broken.mts' },
      { text: other, fileName: 'generated/quickstart/other.mts' },
    ];
    const alone = files.map((f) => typeCheckAll([f])[0].problems);
    expect(alone.map((p) => p.length)).to.deep.equal([0, 1, 0]);
    const checker = counting();
    const options = { dir, runtime: 'runtime-1', check: checker.check };
    expect(cachedTypeCheckAll(files, options)).to.deep.equal(alone);
    expect(checker.calls).to.equal(1);
    expect(entries()).to.have.length(2);
    expect(fs.readdirSync(path.join(dir, 'inputs')), 'one input set for the programs checked together').to.have.length(1);
    expect(cachedTypeCheckAll(files, options)).to.deep.equal(alone);
    expect(checker.calls).to.equal(2);
    expect(checker.files.slice(3), 'only the failing program is checked again').to.deep.equal(['generated/quickstart/broken.mts']);
  });

  it('refuses two programs checked as the same file (one would replace the other)', () => {
    expect(() => typeCheckAll([{ text: good, fileName: program }, { text: broken, fileName: path.resolve(program) }]))
      .to.throw(/two programs checked as the same file/);
  });

  it('checkPrograms names every program that fails, and only those', function () {
    this.timeout(120_000);
    const programOf = (experiment: string, text: string): GeneratedProgram => ({ experiment, relativePath: `quickstart/${experiment}.ts`, text });
    const line = broken.split('\n').findIndex((l) => l.includes('batchSize: experiment.batch_size')) + 1;
    expect(() => checkPrograms([programOf('fine', good), programOf('bad_1', broken), programOf('bad_2', broken)]))
      .to.throw(GeneratedProgramError)
      .that.satisfies((error: Error) => {
        expect(error.message).to.contain(`'bad_1' does not type-check`).and.contain(`generated/quickstart/bad_1.ts:${line}:`);
        expect(error.message).to.contain(`generated/quickstart/bad_2.ts:${line}:`).and.not.contain(`'fine'`);
        return true;
      });
  });
});
