/**
 * A download that is all or nothing: streamed to a temp file beside the target, its MD5 checked,
 * then renamed into place. A failed, stalled or mismatching download removes its temp file; the
 * target name only ever holds a complete, verified file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from './dataset.ts';

/** The file could not be fetched (no connection, an HTTP error, a stall): the caller may say where else it looked. */
export class DownloadError extends DataError {
  override name = 'DownloadError';
}

/** A download that receives nothing for this long is abandoned. */
const STALL_MS = 60_000;

export interface DownloadOptions {
  /** Milliseconds without a byte after which the download fails (default 60 s). */
  stallMs?: number;
}

export async function downloadVerified(url: string, target: string, md5: string, options: DownloadOptions = {}): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.download`);
  const hash = createHash('md5');
  const abort = new AbortController();
  const stallMs = options.stallMs ?? STALL_MS;
  let timer = setTimeout(() => abort.abort(), stallMs);
  const stillAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), stallMs);
  };
  let fd: number | undefined;
  try {
    const response = await fetch(url, { signal: abort.signal });
    if (!response.ok || response.body === null) throw new DownloadError(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
    fd = fs.openSync(temp, 'w');
    for await (const chunk of response.body) {
      stillAlive();
      hash.update(chunk);
      fs.writeSync(fd, chunk);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    const actual = hash.digest('hex');
    if (actual !== md5) {
      throw new DataError(`checksum mismatch: ${path.basename(target)} downloaded from ${url} has MD5 ${actual}, expected ${md5}; it was not kept`);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    if (error instanceof DataError) throw error;
    const reason = abort.signal.aborted ? `no data for ${stallMs / 1000} s` : describe(error);
    throw new DownloadError(`cannot download ${url}: ${reason}`);
  } finally {
    clearTimeout(timer);
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
  }
}

/** fetch's "fetch failed" hides the reason (connection refused, unknown host) in its cause. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? (error as Error).message;
}
