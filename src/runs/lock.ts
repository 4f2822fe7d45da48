/**
 * One `rekdc run` per run directory at a time: two processes training into the same checkpoints
 * and metrics would corrupt both. The lock file `.lock` names the process doing the work (the
 * training program once it started): its pid, its start time (so that a pid reused by another
 * process is not taken for the holder), host and since when. A lock whose holder is gone is
 * stale and taken over.
 *
 * Every change is atomic, so that processes racing for one lock never both hold it and a reader
 * never sees half a file: the content is written to a temporary file, then linked to `.lock`
 * (which fails when it exists: create-exclusive) or renamed over it. A stale lock, and our own on
 * release, is removed only under a claim on that very content (itself such a lock file), so of
 * the processes that found it stale one removes it and none removes the lock that replaced it.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Who holds a lock. */
export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), where there is a /proc. */
  start?: number;
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
}

export class RunLock {
  private constructor(private readonly file: string, private content: string) {}

  /** Takes the lock of `dir`, or returns the live process holding it. */
  static acquire(dir: string): RunLock | { heldBy: LockHolder } {
    fs.mkdirSync(dir, { recursive: true });
    const file = lockFile(dir);
    const content = lockContent(process.pid, new Date().toISOString());
    const heldBy = takeFile(file, content);
    return heldBy ? { heldBy } : new RunLock(file, content);
  }

  /** The live process holding the lock of `dir`, or null (read-only: for `rekdc plan`). */
  static holder(dir: string): LockHolder | null {
    const found = readLock(lockFile(dir));
    return found && isAlive(found.holder) ? found.holder : null;
  }

  /** Hands the lock to the process that now does the work (it keeps the time it was taken). */
  transfer(pid: number): void {
    const content = lockContent(pid, parseHolder(this.content).since);
    fs.renameSync(writeTemporary(this.file, content), this.file);
    this.content = content;
  }

  /** Removes the lock unless it is no longer ours (its holder died and another process took it over). */
  release(): void {
    withClaim(this.file, this.content, () => {
      if (readLock(this.file)?.text === this.content) fs.rmSync(this.file);
    });
  }
}

/** `process 123 (since ...)`, with the host when it is another machine's. */
export function holderLabel(holder: LockHolder): string {
  return `process ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`} (since ${holder.since})`;
}

const lockFile = (dir: string): string => path.join(dir, '.lock');

/**
 * The lock of process `pid` (JSON leaves out an unknown start); the nonce makes every taking
 * distinct, even two by one process in one millisecond.
 */
function lockContent(pid: number, since: string): string {
  const holder: LockHolder = { pid, start: processStat(pid)?.start, host: os.hostname(), since };
  return JSON.stringify({ ...holder, nonce: crypto.randomBytes(6).toString('hex') });
}

/** Takes `file` with `content`, or returns the live holder of it (or of the claim of a stale one). */
function takeFile(file: string, content: string): LockHolder | null {
  for (;;) {
    if (createExclusive(file, content)) return null;
    const found = readLock(file);
    if (!found) continue;
    if (isAlive(found.holder)) return found.holder;
    const claimedBy = withClaim(file, found.text, () => {
      if (readLock(file)?.text === found.text) fs.rmSync(file);
    });
    // Another process is removing this stale lock and will hold the next one.
    if (claimedBy) return claimedBy;
  }
}

/**
 * Runs `action` holding the claim on `file` having content `text`, and returns null; or returns
 * the live holder of that claim without running it. While claimed, nobody else removes that content.
 */
function withClaim(file: string, text: string, action: () => void): LockHolder | null {
  const claim = `${file}.${crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)}.claim`;
  const claimedBy = takeFile(claim, lockContent(process.pid, new Date().toISOString()));
  if (claimedBy) return claimedBy;
  try {
    action();
  } finally {
    fs.rmSync(claim, { force: true });
  }
  return null;
}

/** Creates `file` holding `content` unless it exists; a reader sees all of the content or no file. */
function createExclusive(file: string, content: string): boolean {
  const temporary = writeTemporary(file, content);
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function writeTemporary(file: string, content: string): string {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, content, { flag: 'wx' });
  return temporary;
}

/** The lock's text and holder, or null when there is no lock. */
function readLock(file: string): { text: string; holder: LockHolder } | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return { text, holder: parseHolder(text) };
  } catch (error) {
    // No such file, or a file where a folder of its path belongs: no lock can be there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Earlier versions wrote the bare pid; anything else unreadable names no process (a stale lock). */
function parseHolder(text: string): LockHolder {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | number;
    if (typeof value === 'number') return { pid: value, host: os.hostname(), since: 'an unknown time' };
    if (typeof value?.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'string') return value as LockHolder;
  } catch {
    // Not JSON: as below.
  }
  return { pid: 0, host: os.hostname(), since: 'an unknown time' };
}

/**
 * Whether the holder still runs: the same pid with the same start time (a pid reused by a new
 * process has another). Another machine's processes cannot be seen from here: they count as alive.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (!Number.isInteger(holder.pid) || holder.pid <= 0 || !isRunning(holder.pid)) return false;
  const stat = processStat(holder.pid);
  // Without a start time (no /proc, or one hiding others' processes) the pid is all we can go by.
  return holder.start === undefined || stat === null || stat.start === holder.start;
}

/** Whether process `pid` exists and is not a zombie (an exited child its parent has not reaped yet). */
export function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  if (stat) return stat.state !== 'Z';
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Process `pid`'s state letter and start time (clock ticks since boot), or null: gone, or no /proc. */
function processStat(pid: number): { state: string; start: number } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: Number(fields[19]) };
}
