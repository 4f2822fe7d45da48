/**
 * Which errors are the user's (one line naming the path and what to do) and which are bugs: real
 * system errors from the file system, provoked without root-only tricks (a file where a folder
 * belongs works for every user, root included).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { debugDetail, environmentProblem, UserError, userErrorMessage } from '../../src/runtime/user-problems.ts';
import { DataError } from '../../src/runtime/data/dataset.ts';
import { RunError } from '../../src/runtime/run/directory.ts';
import { exitCodeFor } from '../../src/runtime/run/signals.ts';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('user problems', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-problems-'));
    file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the path and the remedy of a folder under a file (ENOTDIR), and counts it as a user error (exit 1)', () => {
    const error = thrownBy(() => fs.writeFileSync(path.join(file, 'inner.json'), '{}'));
    expect(environmentProblem(error)).to.equal(
      `cannot open ${path.join(file, 'inner.json')}: a part of that path is a file, not a folder; move the file away or choose another location`);
    expect(exitCodeFor(error)).to.equal(1);
  });

  it('names the destination of a rename onto a folder (EISDIR) and a file in the way of mkdir (EEXIST)', () => {
    const folder = path.join(dir, 'folder');
    fs.mkdirSync(folder);
    expect(environmentProblem(thrownBy(() => fs.renameSync(file, folder)))).to.equal(
      `cannot write ${folder}: it is a folder, not a file; remove the folder or choose another name`);
    expect(environmentProblem(thrownBy(() => fs.mkdirSync(file, { recursive: true })))).to.equal(
      `cannot create the folder ${file}: a file is in the way of that folder; move the file away or choose another location`);
  });

  it('says what failed and what to do when the caller knows better (a write through a descriptor names no path)', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    expect(environmentProblem(full, { action: 'cannot write runs/x/eval.json' })).to.equal(
      'cannot write runs/x/eval.json: no space left on the device; free some space, then run the same command again');
    expect(environmentProblem(full, { remedy: 'set REKD_CACHE_DIR elsewhere' })).to.equal(
      'cannot write: no space left on the device; set REKD_CACHE_DIR elsewhere');
  });

  it('leaves bugs alone: plain errors, a missing file, an exclusive create that lost a race', () => {
    expect(userErrorMessage(new TypeError('x is undefined'))).to.equal(undefined);
    expect(userErrorMessage(thrownBy(() => fs.readFileSync(path.join(dir, 'absent'))))).to.equal(undefined);
    expect(userErrorMessage(thrownBy(() => fs.writeFileSync(file, 'y', { flag: 'wx' })))).to.equal(undefined);
    expect(exitCodeFor(new TypeError('x'))).to.equal(70);
  });

  it("treats rekd's own user errors by their message, and shows a stack only with REKD_DEBUG=1", () => {
    for (const error of [new RunError('run problem'), new DataError('data problem')]) {
      expect(error).to.be.instanceOf(UserError);
      expect(userErrorMessage(error)).to.equal(error.message);
    }
    const saved = process.env.REKD_DEBUG;
    try {
      delete process.env.REKD_DEBUG;
      expect(debugDetail(new RunError('r'))).to.equal('');
      process.env.REKD_DEBUG = '1';
      expect(debugDetail(new RunError('r'))).to.match(/^RunError: r\n\s+at /);
    } finally {
      if (saved === undefined) delete process.env.REKD_DEBUG;
      else process.env.REKD_DEBUG = saved;
    }
  });
});
