/**
 * Problems a user or their machine causes (bad paths, permissions, a full disk, damaged run
 * files) are reported in a line or two naming the thing and what to do, with exit 1 and no stack
 * trace; everything else is a bug in rekd. The CLI (cli/main.ts) and the training program
 * (run/signals.ts) both decide through `userErrorMessage`.
 */

/** Base of rekd's errors that describe a user problem (RunError, DataError, ...). */
export class UserError extends Error {}

export type Warn = (message: string) => void;

export const warnToStderr: Warn = (message) => process.stderr.write(`warning: ${message}\n`);

const CHECK_PERMISSIONS = 'check the permissions of that path and its folder, or choose another location';
const FREE_SPACE = 'free some space, then run the same command again';

/** What a system error means for the file named, and what to do about it. */
const ENVIRONMENT_PROBLEMS: Record<string, { reason: string; remedy: string }> = {
  EACCES: { reason: 'permission denied', remedy: CHECK_PERMISSIONS },
  EPERM: { reason: 'operation not permitted', remedy: CHECK_PERMISSIONS },
  EROFS: { reason: 'the file system is read-only', remedy: 'choose a location on a writable one' },
  ENOSPC: { reason: 'no space left on the device', remedy: FREE_SPACE },
  EDQUOT: { reason: 'disk quota exceeded', remedy: FREE_SPACE },
  ENOTDIR: { reason: 'a part of that path is a file, not a folder', remedy: 'move the file away or choose another location' },
  EISDIR: { reason: 'it is a folder, not a file', remedy: 'remove the folder or choose another name' },
  EEXIST: { reason: 'a file is in the way of that folder', remedy: 'move the file away or choose another location' },
  ENAMETOOLONG: { reason: 'the name is too long for the file system', remedy: 'choose a shorter one' },
};

function verbOf(syscall: string | undefined): string {
  if (syscall === 'mkdir') return 'create the folder';
  if (syscall === 'open') return 'open';
  if (syscall === 'unlink' || syscall === 'rmdir' || syscall === 'rm') return 'remove';
  if (syscall === 'read' || syscall === 'scandir' || syscall === 'opendir' || syscall === 'stat' || syscall === 'lstat') return 'read';
  return 'write';
}

/** What a system error the user can fix means and what to do (`permission denied; check ...`), else undefined. */
export function systemProblem(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const problem = code === undefined ? undefined : ENVIRONMENT_PROBLEMS[code];
  return problem && `${problem.reason}; ${problem.remedy}`;
}

/**
 * One line for a Node system error the environment caused (`cannot write <path>: permission
 * denied; ...`), or undefined for any other error. A caller that knows better says what failed
 * (`action`: writes through a file descriptor carry no path) and what to do (`remedy`).
 */
export function environmentProblem(error: unknown, context: { action?: string; remedy?: string } = {}): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  const problem = code === undefined ? undefined : ENVIRONMENT_PROBLEMS[code];
  // EEXIST elsewhere (an exclusive create) is a race the caller handles, not the user's doing.
  if (problem === undefined || (code === 'EEXIST' && syscall !== 'mkdir')) return undefined;
  // A rename fails on its destination: the file the user asked for.
  const target = (error as { dest?: string }).dest ?? path;
  const action = context.action ?? `cannot ${verbOf(syscall)}${target === undefined ? '' : ` ${target}`}`;
  return `${action}: ${problem.reason}; ${context.remedy ?? problem.remedy}`;
}

/** The message to show for a user problem (no stack trace), or undefined when `error` is a bug. */
export function userErrorMessage(error: unknown): string | undefined {
  if (error instanceof UserError) return error.message;
  return environmentProblem(error);
}

/** The stack of a user problem, shown only with REKD_DEBUG=1 (for reports about rekd itself). */
export function debugDetail(error: unknown): string {
  return process.env.REKD_DEBUG === '1' && error instanceof Error && error.stack ? `${error.stack}\n` : '';
}
