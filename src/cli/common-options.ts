/** Options several commands share, declared once so that their names, checks and help agree. */
import { EXPERIMENT, type ValueType } from '../schema/catalog.ts';
import type { ChoiceOption, IntegerOption, TextOption } from './args.ts';

export const SET = {
  kind: 'text', value: 'path=value', repeat: true,
  help: 'override a value in every experiment and grid base of the file (loss.relation.temperature=0.05)',
} as const satisfies TextOption;

export const FORMAT = {
  kind: 'choice', choices: ['text', 'json'],
  help: 'text (default) or json, one document on stdout (docs/cli.md)',
} as const satisfies ChoiceOption<'text' | 'json'>;

const backendType = EXPERIMENT.attributes.backend.type as Extract<ValueType, { t: 'enum' }>;
const threadsType = EXPERIMENT.attributes.threads.type as Extract<ValueType, { t: 'int' }>;

/** `--backend b`: the same as `--set backend=b`, its value checked here so that a mistake names the option. */
export const BACKEND = {
  kind: 'choice', choices: backendType.values,
  help: 'the TensorFlow.js backend (the same as --set backend=...)',
} as const satisfies ChoiceOption;

/** `--threads N`: the same as `--set threads=N`. */
export const THREADS = {
  kind: 'integer', value: 'N', min: 1, max: threadsType.max,
  help: 'threads of the native kernels per run (the same as --set threads=N; default every core, shared by --jobs)',
} as const satisfies IntegerOption;

export const QUEUE = {
  kind: 'text', value: 'url',
  help: 'the BullMQ queue\'s Redis: redis://[user:password@]host[:port][/db], or rediss:// for TLS',
} as const satisfies TextOption;

export const QUEUE_TIMEOUT = {
  kind: 'integer', value: 'seconds', min: 1,
  help: 'how long an unreachable queue is waited for before giving up (default 60)',
} as const satisfies IntegerOption;

/** `--set` overrides, then the options that are shorthands for one (`--backend`, `--threads`): the later wins. */
export function overridesOf(options: { set: string[]; backend?: string; threads?: number }): string[] {
  return [
    ...options.set,
    ...(options.backend === undefined ? [] : [`backend=${options.backend}`]),
    ...(options.threads === undefined ? [] : [`threads=${options.threads}`]),
  ];
}
