/**
 * One `rekdc run` per run directory at a time: two processes training into the same checkpoints
 * and metrics would corrupt both. The lock file holds the pid of the process doing the work (the
 * training program once it started), so a lock whose process is gone is stale and taken over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class RunLock {
  private constructor(private readonly file: string) {}

  /** Takes the lock of `dir`, or returns the pid of the live process holding it. */
  static acquire(dir: string): RunLock | { heldBy: number } {
    const file = path.join(dir, '.lock');
    fs.mkdirSync(dir, { recursive: true });
    for (;;) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return new RunLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (isAlive(holder)) return { heldBy: holder };
      fs.rmSync(file, { force: true });
    }
  }

  /** The pid of the live process holding the lock of `dir`, or null (read-only: for `rekdc plan`). */
  static holder(dir: string): number | null {
    const file = path.join(dir, '.lock');
    const pid = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
    return isAlive(pid) ? pid : null;
  }

  /** Hands the lock to the process that now does the work. */
  transfer(pid: number): void {
    fs.writeFileSync(this.file, String(pid));
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
