/** A command of `rekdc`: its command line (parsed by args.ts), its help and what it does. */
import type { CommandLine, OptionSpecs, ParsedArgs } from './args.ts';

export interface Command<O extends OptionSpecs = OptionSpecs> extends CommandLine<O> {
  /** One line: what the command does (the first line of its help, and its line in `rekdc --help`). */
  summary: string;
  /** Further paragraphs of its `--help`. */
  details?: readonly string[];
  /** Runs it; resolves with the exit status. */
  run(args: ParsedArgs<O>): number | Promise<number>;
}

/** Declares a command, keeping its option types for `run`. */
export const defineCommand = <O extends OptionSpecs>(command: Command<O>): Command<O> => command;

/** A command made of subcommands (`rekdc teacher export|import`). */
export interface CommandGroup {
  name: string;
  summary: string;
  subcommands: ReadonlyArray<Command<OptionSpecs>>;
}
