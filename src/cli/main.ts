/** Entry point of `rekdc`: dispatches to one module per command. Returns the process exit code. */
import { parseArgs, UsageError, type Args } from './args.ts';
import { check, CHECK_USAGE } from './check.ts';
import { explain, EXPLAIN_USAGE } from './explain.ts';
import { compile, COMPILE_USAGE } from './compile.ts';
import { report, REPORT_USAGE } from './report.ts';
import { preview, PREVIEW_USAGE } from './preview.ts';
import { run, RUN_USAGE } from './run.ts';
import { plan, PLAN_USAGE } from './plan.ts';
import { grid, GRID_USAGE } from './grid.ts';
import { worker, WORKER_USAGE } from './worker.ts';
import { teacher, TEACHER_USAGE } from './teacher.ts';
import { schema } from './schema.ts';
import { debugDetail, userErrorMessage } from '../runtime/user-problems.ts';

const COMMANDS: Record<string, { usage: string; summary: string; handler: (args: Args) => number | Promise<number> }> = {
  check: { usage: CHECK_USAGE, summary: 'check .rekd files and report every mistake', handler: check },
  explain: { usage: EXPLAIN_USAGE, summary: 'print a resolved experiment and where each value came from', handler: explain },
  schema: { usage: 'rekdc schema', summary: 'print the JSON Schema of a resolved experiment', handler: schema },
  compile: { usage: COMPILE_USAGE, summary: 'write the typed TypeScript program of each experiment (default folder: generated/)', handler: compile },
  run: { usage: RUN_USAGE, summary: 'run an experiment in runs/<experiment>-<id>/ (resumes an interrupted run)', handler: run },
  plan: { usage: PLAN_USAGE, summary: 'list the cells of a grid: run id, state (complete, interrupted, new) and difference from the base', handler: plan },
  grid: { usage: GRID_USAGE, summary: 'run the cells of a grid (complete ones skipped, interrupted ones resumed) and write runs/grids/<grid>/results.*', handler: grid },
  worker: { usage: WORKER_USAGE, summary: 'run grid cells taken from a BullMQ queue (rekdc grid --queue) until stopped', handler: worker },
  preview: { usage: PREVIEW_USAGE, summary: 'write a PNG grid of 16 train images and the augmented views of each (default: views.png)', handler: preview },
  report: { usage: REPORT_USAGE, summary: 'rebuild report.md of a run directory', handler: report },
  teacher: {
    usage: TEACHER_USAGE,
    summary: 'share a trained teacher as one file (weights, recipe, evaluation, sha256): export a finished teacher stage or run; ' +
      'import one into <runs>/teachers/, where experiments whose pretrain recipe matches find it done',
    handler: teacher,
  },
};

const HELP = [
  'rekdc: the .rekd experiment compiler',
  '',
  'commands:',
  ...Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`),
  '',
  'exit status: 0 clean, 1 errors in the input or its environment (files, permissions, disk space), 2 usage error, 3 internal error',
  'REKD_DEBUG=1 adds the stack trace to the message of an exit 1 or 2',
].join('\n');

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(`${HELP}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command '${name}'\n\n${HELP}`);
    const args = parseArgs(rest);
    if (args.help) {
      process.stdout.write(`usage: ${command.usage}\n  ${command.summary}\n`);
      return 0;
    }
    return await command.handler(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`rekdc: ${error.message}\n${debugDetail(error)}`);
      return 2;
    }
    const problem = userErrorMessage(error);
    if (problem !== undefined) {
      process.stderr.write(`rekdc ${name}: ${problem}\n${debugDetail(error)}`);
      return 1;
    }
    // Bad input never gets here (it becomes diagnostics or a user error); this is a bug in rekdc itself.
    const detail = error instanceof Error ? error.stack ?? error.message : String(error);
    process.stderr.write(`rekdc: internal error (a bug in rekdc, not in your file): please report it on the rekd issue tracker\n${detail}\n`);
    return 3;
  }
}
