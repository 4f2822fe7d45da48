/**
 * The command line of one command, parsed strictly against the options it declares: an option of
 * another command, a misspelt one, a missing or extra operand, a flag given a value or a number
 * that is not one is a usage error (exit 2) naming what was typed and, where one is close, the
 * option meant. Tokenising is Node's `util.parseArgs`; the checks and messages are ours.
 */
import { parseArgs } from 'node:util';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { UsageError } from '../runs/usage-error.ts';

interface OptionBase {
  /** One line for `--help`. */
  help: string;
  /** A one-letter alias (`-o`). */
  short?: string;
}

export interface FlagOption extends OptionBase {
  kind: 'flag';
}

export interface TextOption extends OptionBase {
  kind: 'text';
  /** The value's name in `--help` (`dir`, `path=value`). */
  value: string;
  /** Given any number of times, every value kept in order. */
  repeat?: true;
}

export interface IntegerOption extends OptionBase {
  kind: 'integer';
  value: string;
  min: number;
  max?: number;
}

export interface ChoiceOption<C extends string = string> extends OptionBase {
  kind: 'choice';
  choices: readonly C[];
}

export type OptionSpec = FlagOption | TextOption | IntegerOption | ChoiceOption;
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> =
  S extends FlagOption ? boolean
    : S extends IntegerOption ? number | undefined
      : S extends ChoiceOption<infer C> ? C | undefined
        : S extends { repeat: true } ? string[]
          : string | undefined;

/** Option values by long name: flags false and repeatable options [] when absent, others undefined. */
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]: ValueOf<O[K]> };

export interface ParsedArgs<O extends OptionSpecs> {
  operands: string[];
  options: OptionValues<O>;
}

/** What a command accepts, enough to parse its command line and print its `--help`. */
export interface CommandLine<O extends OptionSpecs> {
  /** `check`, or `teacher export` for a subcommand. */
  name: string;
  /** Its operands as `--help` shows them (`<file> [experiment]`). */
  operands: string;
  /** Fewest and most operands. */
  count: readonly [number, number];
  options: O;
}

/** `-h`/`--help`: every command has it. */
export const HELP_OPTION: FlagOption = { kind: 'flag', short: 'h', help: 'print this help and exit' };

/** `--name` and `-n` as the user would type them. */
export const optionLabel = (name: string, spec: OptionSpec): string => (spec.short ? `-${spec.short}, --${name}` : `--${name}`);

/**
 * True when `argv` asks for help (`-h`/`--help` before any `--`): answered before anything else
 * is checked, so that a wrong command line can still ask how it should be written.
 */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '-h' || arg === '--help');
}

/**
 * Parses `argv` for `command`. `elsewhere` maps the options of the other commands to the commands
 * that have them (`rekdc grid`), so that `check --jobs 2` says where `--jobs` belongs. Messages
 * leave out the command: the caller prefixes `rekdc <command>: `.
 */
export function parseCommandLine<O extends OptionSpecs>(command: CommandLine<O>, argv: readonly string[],
  elsewhere: ReadonlyMap<string, string> = new Map()): ParsedArgs<O> {
  const specs: OptionSpecs = command.options;
  const config = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, {
    type: spec.kind === 'flag' ? 'boolean' as const : 'string' as const,
    multiple: true,
    ...(spec.short ? { short: spec.short } : {}),
  }]));
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  const operands: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      operands.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (spec === undefined) throw unknownOption(token.rawName, command, elsewhere);
    const label = `--${token.name}`;
    if (spec.kind === 'flag') {
      if (token.value !== undefined) throw new UsageError(`${label} takes no value (found '${label}=${token.value}')`);
      values[token.name] = true;
      continue;
    }
    // A value that is itself an option (`--out --force`) means the value was forgotten.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new UsageError(`${label} needs a value (${spec.kind === 'choice' ? spec.choices.join('|') : spec.value})`);
    }
    const value = optionValue(label, spec, token.value);
    if (spec.kind === 'text' && spec.repeat) {
      values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
    } else if (values[token.name] !== undefined && values[token.name] !== value) {
      throw new UsageError(`${label} is given twice ('${values[token.name]}' and '${value}')`);
    } else {
      values[token.name] = value;
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (values[name] !== undefined) continue;
    if (spec.kind === 'flag') values[name] = false;
    else if (spec.kind === 'text' && spec.repeat) values[name] = [];
  }
  const [fewest, most] = command.count;
  if (operands.length < fewest || operands.length > most) {
    const problem = operands.length < fewest
      ? `missing ${operandNames(command.operands).slice(operands.length, fewest).join(' ') || 'an operand'}`
      : `unexpected ${operands.length - most > 1 ? 'arguments' : 'argument'} ${operands.slice(most).map((o) => `'${o}'`).join(' ')}`;
    throw new UsageError(`${problem}\nusage: ${usageLine(command)}`);
  }
  return { operands, options: values as OptionValues<O> };
}

/** The usage line: `rekdc plan <file> <grid> [options]`. */
export function usageLine(command: CommandLine<OptionSpecs>): string {
  return `rekdc ${command.name}${command.operands ? ` ${command.operands}` : ''}${Object.keys(command.options).length ? ' [options]' : ''}`;
}

/** `<file> [experiment]` -> ['<file>', '[experiment]']: what a missing operand is called. */
const operandNames = (operands: string): string[] => operands.match(/<[^>]*>(?:\.\.\.)?|\[[^\]]*\](?:\.\.\.)?/g) ?? [];

function optionValue(label: string, spec: OptionSpec, text: string): string | number {
  if (spec.kind === 'integer') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < spec.min || (spec.max !== undefined && n > spec.max)) {
      const range = spec.max === undefined ? `>= ${spec.min}` : `from ${spec.min} to ${spec.max}`;
      throw new UsageError(`${label} must be an integer ${range}, found '${text}'`);
    }
    return n;
  }
  if (spec.kind === 'choice' && !spec.choices.includes(text)) {
    const near = suggestChoice(text, spec.choices);
    throw new UsageError(`${label} must be one of ${spec.choices.join(', ')}, found '${text}'${near ? `; did you mean '${near}'?` : ''}`);
  }
  return text;
}

/**
 * The choice `text` probably meant: one that has it as a dash-separated part (`gpu` ->
 * `tensorflow-gpu`, which edit distance would not find: `cpu` is closer), else the nearest by edit
 * distance.
 */
export function suggestChoice(text: string, choices: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  return choices.find((choice) => choice.toLowerCase().split('-').includes(lower)) ?? didYouMean(text, choices);
}

function unknownOption(raw: string, command: CommandLine<OptionSpecs>, elsewhere: ReadonlyMap<string, string>): UsageError {
  const long = raw.startsWith('--') ? raw.slice(2) : undefined;
  const near = long === undefined ? undefined : didYouMean(long, Object.keys(command.options));
  const owner = long === undefined ? undefined : elsewhere.get(long);
  const hint = near !== undefined ? `; did you mean '--${near}'?` : owner !== undefined ? ` (it is an option of ${owner})` : '';
  return new UsageError(`unknown option '${raw}'${hint}\nrekdc ${command.name} --help lists its options`);
}

/** The `--help` text of a command. */
export function commandHelp(command: CommandLine<OptionSpecs>, summary: string, details: readonly string[] = []): string {
  const options: Array<[string, OptionSpec]> = [...Object.entries(command.options), ['help', HELP_OPTION]];
  // `-h, --help` and `    --set`: long names in one column.
  const labels = options.map(([name, spec]) => {
    const value = spec.kind === 'flag' ? '' : spec.kind === 'choice' ? ` ${spec.choices.join('|')}` : ` ${spec.value}`;
    return `${spec.short ? '' : '    '}${optionLabel(name, spec)}${value}`;
  });
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  const lines = options.map(([, spec], i) => `  ${labels[i].padEnd(width)}${spec.help}${spec.kind === 'text' && spec.repeat ? ' (repeatable)' : ''}`);
  return [`usage: ${usageLine(command)}`, '', summary, ...(details.length ? ['', ...details] : []), '', 'options:', ...lines].join('\n');
}
