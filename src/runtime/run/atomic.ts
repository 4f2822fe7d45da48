/**
 * Atomic file writes: a reader (or a crash) sees the old file or the new one, never half of it.
 * Temp file in the same directory, every byte written (short writes continued), fsync, read back
 * and compared, then renamed over the target and the directory fsynced. On any failure the temp
 * file is removed and the previous file is left as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { systemProblem, UserError } from '../user-problems.ts';

/**
 * A file that could not be written because of the machine (full disk, permissions, read-only
 * file system...): a user-facing problem, printed without a stack trace.
 */
export class WriteError extends UserError {
  override name = 'WriteError';
  constructor(readonly file: string, readonly reason: string, readonly code?: string) {
    super(`cannot write ${file}: ${reason}`);
  }
}

/** A system error (one with an errno code) while writing `file` as a WriteError; anything else unchanged. */
export function asWriteError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  return new WriteError(file, systemProblem(error) ?? error.message, code);
}

/** Writes up to `length` bytes of `data` from `offset` at the file position and returns how many it wrote. */
export type WriteBytes = (fd: number, data: Uint8Array, offset: number, length: number) => number;

const systemWrite: WriteBytes = (fd, data, offset, length) => fs.writeSync(fd, data, offset, length);
let writeBytes = systemWrite;

/** Replaces how bytes reach the disk (tests simulate short writes and a full disk); no argument restores it. */
export function replaceWriteBytes(write?: WriteBytes): void {
  writeBytes = write ?? systemWrite;
}

export interface AtomicWriteOptions {
  /** Keep the file being replaced under this name (renamed once the new one is verified). */
  previous?: string;
}

const tempName = (name: string) => `.${name}.${process.pid}.tmp`;
const tempPattern = /^\..+\.\d+\.tmp$/;

export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = path.dirname(file);
  const temp = path.join(dir, tempName(path.basename(file)));
  try {
    fs.mkdirSync(dir, { recursive: true });
    writeVerified(file, temp, bytes);
    if (options.previous !== undefined && fs.existsSync(file)) fs.renameSync(file, options.previous);
    fs.renameSync(temp, file);
  } catch (error) {
    removeTemp(temp);
    throw asWriteError(file, error);
  }
  syncDirectory(dir);
}

/**
 * Removes the temp files of writes that never finished (a process killed mid-write) from `dir`,
 * which only the caller may be writing to; they are incomplete and can be as large as a checkpoint.
 */
export function removeUnfinishedWrites(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (tempPattern.test(name)) removeTemp(path.join(dir, name));
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Writes `bytes` to a new `temp`, fsyncs it and checks its size and content before it may replace `file`. */
function writeVerified(file: string, temp: string, bytes: Uint8Array): void {
  const fd = fs.openSync(temp, 'w+');
  try {
    for (let done = 0; done < bytes.length;) {
      const written = writeBytes(fd, bytes, done, bytes.length - done);
      if (written <= 0) throw new WriteError(file, `the system wrote no bytes at offset ${done} of ${bytes.length}; is the disk full?`);
      done += written;
    }
    fs.fsyncSync(fd);
    const size = fs.fstatSync(fd).size;
    if (size !== bytes.length) throw new WriteError(file, `${size} bytes on disk, ${bytes.length} written; is the disk full?`);
    if (!holds(fd, bytes)) throw new WriteError(file, 'the file read back differs from what was written; the disk may be failing');
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the file behind `fd` holds exactly `bytes`, read back in chunks (no second copy of a large file). */
function holds(fd: number, bytes: Uint8Array): boolean {
  const chunk = Buffer.alloc(Math.min(bytes.length, 1 << 20));
  for (let at = 0; at < bytes.length;) {
    const read = fs.readSync(fd, chunk, 0, Math.min(chunk.length, bytes.length - at), at);
    if (read === 0 || !chunk.subarray(0, read).equals(bytes.subarray(at, at + read))) return false;
    at += read;
  }
  return true;
}

/** Best effort: the original error matters more (the temp's folder may not even exist). */
function removeTemp(temp: string): void {
  try {
    fs.rmSync(temp, { force: true });
  } catch {
    // Nothing more to clean up than what could not be created.
  }
}

/** The rename is durable only once the directory entry is flushed (no-op where unsupported). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
