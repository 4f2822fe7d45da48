/**
 * The cache of passing type-check verdicts: a hit skips the checker, anything the verdict depends
 * on (program text, file name, runtime fingerprint, a file the check read) misses, a failing
 * program is never stored, and an entry is trusted only under its own key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { cachedTypeCheck, verdictKey, type TypeCheckCacheOptions } from '../../src/codegen/typecheck-cache.ts';
import { typeCheck, type TypeCheckResult } from '../../src/codegen/typecheck.ts';

const program = 'generated/quickstart/quickstart.ts';
const good = fs.readFileSync(program, 'utf8');
const broken = good.replace('batchSize: 128', 'batchSize: "128"');

/** A checker that counts its calls and otherwise behaves like `check`. */
function counting(check: (text: string, fileName: string) => TypeCheckResult = typeCheck) {
  const counter = {
    calls: 0,
    check: (text: string, fileName: string) => {
      counter.calls += 1;
      return check(text, fileName);
    },
  };
  return counter;
}

/** A checker that passes everything, having "read" `inputs`. */
const passing = (inputs = new Map<string, string>()) => (): TypeCheckResult => ({ problems: [], inputs });

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
    cachedTypeCheck(good, 'generated/quickstart/other.ts', options);
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
});
