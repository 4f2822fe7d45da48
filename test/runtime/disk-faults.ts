/** Simulated disk faults for atomic writes: short writes, a full disk, a disk that drops bytes. */
import * as fs from 'node:fs';
import { replaceWriteBytes, type WriteBytes } from '../../src/runtime/run/atomic.ts';

/** Writes at most `limit` bytes per call, as a pipe or a signal-interrupted write may. */
export const shortWrites = (limit: number): WriteBytes =>
  (fd, data, offset, length) => fs.writeSync(fd, data, offset, Math.min(limit, length));

/** A disk with `free` bytes left: writes up to them, then fails with ENOSPC as the kernel does. */
export function fullDisk(free: number): WriteBytes {
  return (fd, data, offset, length) => {
    if (free === 0) throw enospc();
    const written = fs.writeSync(fd, data, offset, Math.min(free, length));
    free -= written;
    return written;
  };
}

/**
 * A disk that fills up: the first `files` files of at least `minSize` bytes are written through
 * `through`; each later one gets half its bytes, then ENOSPC. Smaller files (status.json) still fit.
 */
export function fullAfter(files: number, minSize: number, through: WriteBytes = (...args) => fs.writeSync(...args)): WriteBytes {
  let large = 0;
  let failing = false;
  return (fd, data, offset, length) => {
    if (data.length < minSize) return through(fd, data, offset, length);
    if (offset === 0) failing = ++large > files;
    if (!failing) return through(fd, data, offset, length);
    if (offset === 0) return fs.writeSync(fd, data, 0, Math.ceil(length / 2));
    throw enospc();
  };
}

/** Claims every byte was written but drops the last `dropped` of each call (a lying device). */
export const droppedBytes = (dropped: number): WriteBytes =>
  (fd, data, offset, length) => fs.writeSync(fd, data, offset, Math.max(0, length - dropped)) + Math.min(dropped, length);

/** The error the kernel's write gives on a full disk. */
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

/** Runs `body` with `write` in place of the system write, restoring it afterwards. */
export async function withWrites<T>(write: WriteBytes, body: () => T | Promise<T>): Promise<T> {
  replaceWriteBytes(write);
  try {
    return await body();
  } finally {
    replaceWriteBytes();
  }
}
