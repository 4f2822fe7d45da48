/**
 * The `--queue` URL of a grid's Redis, parsed by the client library (ioredis) itself: host, port
 * (default 6379), user and password, database number (`/2`), TLS (`rediss://`) and options in the
 * query (`?family=6`). Only what ioredis would read silently as something else is refused here:
 * a URL that is not redis:// or rediss:// (`localhost:6379` would do; `http://host` would not),
 * and a database or port that is not a number.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { UsageError } from '../runs/usage-error.ts';

const FORM = 'redis://[user:password@]host[:port][/db] (rediss:// for TLS)';

/** The connection options of `url`; a UsageError naming the problem when it is not a Redis URL. */
export function redisOptions(url: string): RedisOptions {
  if (!/^rediss?:\/\//i.test(url)) throw new UsageError(`--queue must be a Redis URL, ${FORM}; found '${url}'`);
  let options: RedisOptions;
  try {
    // A client that never connects (lazyConnect) is ioredis's parser of its own URLs.
    options = new Redis(url, { lazyConnect: true }).options;
  } catch (error) {
    throw new UsageError(`--queue '${redacted(url)}' is not a valid URL (${(error as Error).message}); the form is ${FORM}`);
  }
  if (!Number.isInteger(options.db) || options.db! < 0) {
    throw new UsageError(`--queue '${redacted(url)}': the database after the host must be a number (such as /0), found '${new URL(url).pathname.slice(1)}'`);
  }
  if (!Number.isInteger(options.port) || options.port! < 1 || options.port! > 65535) {
    throw new UsageError(`--queue '${redacted(url)}': the port must be a number from 1 to 65535`);
  }
  return options;
}

/** `url` with its password masked, for messages and logs. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
