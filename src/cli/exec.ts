/**
 * `rekdc exec <program> <run-dir>`: runs a program `rekdc compile` wrote on a run directory, as
 * `rekdc run` runs the program it generates (its run lock, 'rekd/runtime' resolved from any
 * folder, a failure recorded in the directory), for a program read or edited by hand.
 */
import * as fs from 'node:fs';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';

export const exec = defineCommand({
  name: 'exec',
  operands: '<program> <run-dir>',
  count: [2, 2],
  summary: 'run a program written by rekdc compile on a run directory (created if needed; the same experiment resumes)',
  details: ['stderr: the program\'s progress. Exit 0 done, 1 a run error, 70 an internal error, 130 interrupted.'],
  options: {},
  async run({ operands: [program, dir] }) {
    if (!fs.statSync(program, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`${program}: no such program (write one with rekdc compile)`);
    const { holderLabel, RunLock } = await import('../runs/lock.ts');
    const { startProgram } = await import('../runs/start.ts');
    fs.mkdirSync(dir, { recursive: true });
    const lock = RunLock.acquire(dir);
    if (!(lock instanceof RunLock)) {
      process.stderr.write(`rekdc exec: ${dir} is being run by ${holderLabel(lock.heldBy)} already\n`);
      return 1;
    }
    try {
      return await startProgram(program, dir, { lock });
    } finally {
      lock.release();
    }
  },
});
