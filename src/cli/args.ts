/** The small argument grammar every command shares: positionals, `--format`, repeatable `--set`. */

export class UsageError extends Error {}

export interface Args {
  positionals: string[];
  format: 'text' | 'json';
  overrides: string[];
  max: number | undefined;
  help: boolean;
  /** `run`: the TensorFlow.js backend (`--backend b`, the same as `--set backend=b`). */
  backend: string | undefined;
  /** `run`, `grid`: the kernels' threads per run (`--threads N`, the same as `--set threads=N`). */
  threads: number | undefined;
  /** `compile`: the output folder; `preview`: the PNG file; `teacher export`: the teacher file (`--out`, `-o`). */
  out: string | undefined;
  /** `teacher import`: the runs folder whose teachers/ receives the teacher (`--runs`, default runs). */
  runs: string | undefined;
  /** `run`: continue an interrupted run (`--resume`) or start it over (`--force`). */
  resume: boolean;
  force: boolean;
  /** `grid`: cells run at once (`--jobs N`, default 1). */
  jobs: number;
  /** `grid`, `worker`: the BullMQ queue's Redis (`--queue redis://host:port`). */
  queue: string | undefined;
  /** `worker`: seconds after which a silent worker's job is given to another (`--lock-timeout`). */
  lockTimeout: number | undefined;
  /** `grid --queue`, `worker`: seconds an unreachable queue is waited for before giving up (`--queue-timeout`). */
  queueTimeout: number | undefined;
}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { positionals: [], format: 'text', overrides: [], max: undefined, help: false,
    backend: undefined, threads: undefined, out: undefined, runs: undefined, resume: false, force: false, jobs: 1, queue: undefined, lockTimeout: undefined,
    queueTimeout: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // `--name=value` and `--name value` are the same option.
    const split = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = split === -1 ? [arg, undefined] : [arg.slice(0, split), arg.slice(split + 1)];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, found '${format}'`);
      args.format = format;
    } else if (flag === '--set') args.overrides.push(value());
    else if (flag === '--max') args.max = positiveInteger(flag, value());
    else if (flag === '--backend') args.backend = value();
    else if (flag === '--threads') args.threads = positiveInteger(flag, value());
    else if (flag === '--out' || flag === '-o') args.out = value();
    else if (flag === '--runs') args.runs = value();
    else if (flag === '--jobs') args.jobs = positiveInteger(flag, value());
    else if (flag === '--queue') args.queue = value();
    else if (flag === '--lock-timeout') args.lockTimeout = positiveInteger(flag, value());
    else if (flag === '--queue-timeout') args.queueTimeout = positiveInteger(flag, value());
    else if (flag === '--resume') args.resume = true;
    else if (flag === '--force') args.force = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else args.positionals.push(arg);
  }
  return args;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer`);
  return n;
}

/** Colour only on a terminal and when NO_COLOR is unset. */
/** `--set` overrides with the options that are shorthands for them (`--backend`, `--threads`) last. */
export function overridesOf(args: Args): string[] {
  return [
    ...args.overrides,
    ...(args.backend === undefined ? [] : [`backend=${args.backend}`]),
    ...(args.threads === undefined ? [] : [`threads=${args.threads}`]),
  ];
}

export const useColor = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
