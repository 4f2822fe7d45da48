/**
 * Entry point of `rekdc`: finds the command (did-you-mean for a misspelt one), answers `--help`
 * and `--version`, parses the command's own options strictly and runs it. Returns the exit status:
 * 0 done, 1 a problem of the input or its environment, 2 a usage error, 3 a bug in rekdc (the
 * commands themselves return more, such as 130 for an interrupted run).
 */
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { debugDetail, userErrorMessage } from '../runtime/user-problems.ts';
import { asksForHelp, commandHelp, parseCommandLine, type OptionSpecs } from './args.ts';
import { UsageError } from '../runs/usage-error.ts';
import { check } from './check.ts';
import type { Command, CommandGroup } from './command.ts';
import { compare } from './compare.ts';
import { compile } from './compile.ts';
import { exec } from './exec.ts';
import { explain } from './explain.ts';
import { fmt } from './fmt.ts';
import { grid } from './grid.ts';
import { lsp } from './lsp.ts';
import { plan } from './plan.ts';
import { preview } from './preview.ts';
import { report } from './report.ts';
import { run } from './run.ts';
import { schema } from './schema.ts';
import { teacher } from './teacher.ts';
import { exportWeights } from './export-weights.ts';
import { worker } from './worker.ts';

type Entry = Command<OptionSpecs> | CommandGroup;

const COMMANDS: readonly Entry[] = [check, fmt, explain, schema, compile, run, exec, plan, grid, worker, preview, report, compare, teacher, exportWeights, lsp];

const isGroup = (entry: Entry): entry is CommandGroup => 'subcommands' in entry;

/** Every command, subcommands spelt out (`teacher export`). */
const allCommands = (): Array<Command<OptionSpecs>> => COMMANDS.flatMap((entry) => (isGroup(entry) ? entry.subcommands : [entry]));

/** Each option name with the commands that have it, for `check --jobs`: "(it is an option of rekdc grid)". */
function optionOwners(except: Command<OptionSpecs>): Map<string, string> {
  const owners = new Map<string, string[]>();
  for (const command of allCommands()) {
    if (command === except) continue;
    for (const name of Object.keys(command.options)) owners.set(name, [...(owners.get(name) ?? []), `rekdc ${command.name}`]);
  }
  return new Map([...owners].map(([name, commands]) => [name, commands.join(', ')]));
}

const EXIT_STATUS = [
  'exit status: 0 done, 1 errors in the input or its environment (files, permissions, disk space), 2 usage error,',
  '3 internal error (a bug in rekdc); run: 130 interrupted, 128+N killed by signal N',
];
const ENVIRONMENT = [
  'environment: NO_COLOR=1 no colour; FORCE_COLOR=1 colour even when not on a terminal; REKD_DEBUG=1 adds',
  'the stack trace to an error message. docs/cli.md describes every command, option and JSON output.',
];

function mainHelp(): string {
  const rows = COMMANDS.flatMap((entry) => (isGroup(entry)
    ? entry.subcommands.map((sub) => [sub.name, sub.summary])
    : [[entry.name, entry.summary]]));
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return [
    'usage: rekdc <command> [options]      (rekdc <command> --help: the options of one)',
    '',
    'rekdc: the .rekd experiment compiler and runner',
    '',
    'commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
    '',
    'options:',
    '  -h, --help     print this help and exit',
    '  -V, --version  print the version of rekdc and exit',
    '',
    ...EXIT_STATUS,
    ...ENVIRONMENT,
  ].join('\n');
}

function groupHelp(group: CommandGroup): string {
  return [
    `usage: rekdc ${group.name} <${group.subcommands.map((sub) => sub.name.slice(group.name.length + 1)).join('|')}> ...`,
    '',
    group.summary,
    '',
    group.subcommands.map((sub) => commandHelp(sub, sub.summary)).join('\n\n'),
  ].join('\n');
}

const help = (command: Command<OptionSpecs>) => commandHelp(command, command.summary, command.details);

/** The command named `name`; a usage error for an unknown one. */
function findCommand(name: string): Entry {
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry !== undefined) return entry;
  const near = didYouMean(name, COMMANDS.map((c) => c.name));
  throw new UsageError(`unknown command '${name}'${near ? `; did you mean '${near}'?` : ''}\nrekdc --help lists the commands`);
}

/** The subcommand `action` of `group`; a usage error for an unknown one. */
function findSubcommand(group: CommandGroup, action: string): Command<OptionSpecs> {
  const sub = group.subcommands.find((s) => s.name === `${group.name} ${action}`);
  if (sub !== undefined) return sub;
  const actions = group.subcommands.map((s) => s.name.slice(group.name.length + 1));
  const near = didYouMean(action, actions);
  throw new UsageError(`unknown action '${action}'${near ? `; did you mean '${near}'?` : ` (${actions.join(' or ')})`}`);
}

export async function main(argv: string[]): Promise<number> {
  let label = 'rekdc';
  try {
    const [first] = argv;
    if (first === undefined) {
      process.stderr.write(`${mainHelp()}\n`);
      return 2;
    }
    if (first === '-V' || first === '--version') {
      // Only here: the start-up path loads nothing of the code generator (test/codegen/programs.test.ts).
      const { compilerVersion } = await import('../codegen/version.ts');
      process.stdout.write(`rekdc ${compilerVersion}\n`);
      return 0;
    }
    if (first === '-h' || first === '--help' || (first === 'help' && argv.length === 1)) {
      process.stdout.write(`${mainHelp()}\n`);
      return 0;
    }
    if (first.startsWith('-')) {
      const near = didYouMean(first.replace(/^-+/, ''), ['help', 'version']);
      const hint = near ? `; did you mean '--${near}'?` : ` (a command's options come after it: rekdc <command> ${first})`;
      throw new UsageError(`unknown option '${first}'${hint}\nrekdc --help lists the commands`);
    }
    // `rekdc help <command>` is `rekdc <command> --help`.
    const [name, ...after] = first === 'help' ? [...argv.slice(1), '--help'] : argv;
    const entry = findCommand(name);
    label = `rekdc ${entry.name}`;
    let command: Command<OptionSpecs>;
    let rest = after;
    if (isGroup(entry)) {
      if (rest[0] === undefined || rest[0].startsWith('-')) {
        if (!asksForHelp(rest)) throw new UsageError(`which one: ${entry.subcommands.map((s) => s.name).join(' or ')}?\nrekdc ${entry.name} --help describes them`);
        process.stdout.write(`${groupHelp(entry)}\n`);
        return 0;
      }
      command = findSubcommand(entry, rest[0]);
      rest = rest.slice(1);
      label = `rekdc ${command.name}`;
    } else {
      command = entry;
    }
    if (asksForHelp(rest)) {
      process.stdout.write(`${help(command)}\n`);
      return 0;
    }
    return await command.run(parseCommandLine(command, rest, optionOwners(command)));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${label}: ${error.message}\n${debugDetail(error)}`);
      return 2;
    }
    const problem = userErrorMessage(error);
    if (problem !== undefined) {
      process.stderr.write(`${label}: ${problem}\n${debugDetail(error)}`);
      return 1;
    }
    // Bad input never gets here (it becomes diagnostics or a user error): this is a bug in rekdc itself.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${label}: internal error (a bug in rekdc, not in your file; please report it on the rekd issue tracker, ` +
      `with REKD_DEBUG=1's stack trace): ${message}\n${debugDetail(error)}`);
    return 3;
  }
}
