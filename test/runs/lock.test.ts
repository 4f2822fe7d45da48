/**
 * The run lock under races: two processes take over one stale lock (its holder dead, or its pid
 * now another process's) thousands of times; each round exactly one of them holds it, the other
 * names that one, and nothing is left behind. Plus what a live, a stale and a transferred lock
 * look like to `holder`.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { holderLabel, RunLock } from '../../src/runs/lock.ts';
import { RunDirectory } from '../../src/runtime/run/directory.ts';

const racer = path.resolve('test/runs/lock-racer.ts');

interface Reply { ready?: boolean; took?: boolean; heldBy?: number; released?: boolean }

/** A racer process and a way to send it a message and wait for its answer (rejected if it dies). */
function startRacer(dir: string): { child: ChildProcess; ask: (message?: string) => Promise<Reply> } {
  const child = fork(racer, [dir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message?: string) => new Promise<Reply>((resolve, reject) => {
    const died = (code: number | null) => reject(new Error(`racer ${child.pid} exited with ${code}`));
    child.once('exit', died);
    child.once('message', (reply) => {
      child.off('exit', died);
      resolve(reply as Reply);
    });
    if (message) child.send(message);
  });
  return { child, ask };
}

/** The pid of a process that has ended. */
const deadPid = (): number => spawnSync('true').pid!;

describe('run lock', function () {
  this.timeout(120_000);

  it('reads no holder and no checkpoint below a file (runs a file: `rekdc plan` only reads)', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-lock-file-'));
    try {
      fs.writeFileSync(path.join(folder, 'runs'), '');
      const dir = path.join(folder, 'runs', 'tiny-abc');
      expect(RunLock.holder(dir)).to.equal(null);
      expect(new RunDirectory(dir).hasCheckpoint()).to.equal(false);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('has exactly one holder each time two processes take over a stale lock, 2,000 times', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-lock-'));
    const lock = path.join(dir, '.lock');
    const racers = [startRacer(dir), startRacer(dir)];
    try {
      await Promise.all(racers.map((r) => r.ask()));
      const dead = deadPid();
      const wins = [0, 0];
      for (let round = 0; round < 2000; round++) {
        // Half the rounds a dead holder, half a reused pid: ours, with another start time.
        const stale = round % 2 ? { pid: dead } : { pid: process.pid, start: 1 };
        fs.writeFileSync(lock, JSON.stringify({ ...stale, host: os.hostname(), since: 'then', nonce: String(round) }));
        const replies = await Promise.all(racers.map((r) => r.ask('take')));
        const winners = replies.flatMap((reply, i) => (reply.took ? [i] : []));
        expect(winners, `round ${round}`).to.have.length(1);
        const [winner] = winners;
        wins[winner] += 1;
        expect(replies[1 - winner].heldBy, `round ${round}: the loser names the holder`).to.equal(racers[winner].child.pid);
        expect(RunLock.holder(dir)?.pid).to.equal(racers[winner].child.pid);
        await racers[winner].ask('release');
        expect(fs.existsSync(lock)).to.equal(false);
      }
      // Both won sometimes: they really raced.
      expect(Math.min(...wins)).to.be.above(0);
      expect(fs.readdirSync(dir), 'no claim or temporary file left').to.deep.equal([]);
    } finally {
      for (const r of racers) r.child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names its live holder and since when, is stale once the process it was handed to ends, and is not released by a former holder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-lock-'));
    try {
      const lock = RunLock.acquire(dir) as RunLock;
      expect(lock).to.be.instanceOf(RunLock);
      const refused = RunLock.acquire(dir);
      expect(refused).not.to.be.instanceOf(RunLock);
      expect(holderLabel((refused as { heldBy: Parameters<typeof holderLabel>[0] }).heldBy))
        .to.match(new RegExp(`^process ${process.pid} \\(since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`));

      lock.transfer(deadPid());
      expect(RunLock.holder(dir)).to.equal(null);
      const successor = RunLock.acquire(dir);
      expect(successor).to.be.instanceOf(RunLock);
      // The former holder lets go of what is no longer its lock: the successor keeps it.
      lock.release();
      expect(RunLock.holder(dir)?.pid).to.equal(process.pid);
      (successor as RunLock).release();
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
