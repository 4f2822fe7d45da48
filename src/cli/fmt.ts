/**
 * `rekdc fmt [--check] <file | folder | ->...`: rewrites .rekd files in the canonical layout
 * (src/format), or with --check lists those that would change. A file with syntax errors is left
 * as it is and its diagnostics shown. Exit 0 when every file is (now) formatted, 1 otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../compiler.ts';
import { diagnostic } from '../diagnostics/diagnostic.ts';
import { renderDiagnostics, summary } from '../diagnostics/render.ts';
import { formatSource } from '../format/index.ts';
import { writeFileAtomic } from '../runtime/run/atomic.ts';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { FORMAT } from './common-options.ts';
import { colorFor } from './color.ts';
import { printJson } from './diagnostics-output.ts';
import { REKD_INPUTS, rekdInputs, STDIN_NAME } from './rekd-inputs.ts';

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

export const fmt = defineCommand({
  name: 'fmt',
  ...REKD_INPUTS,
  summary: 'rewrite .rekd files in the one canonical layout (a folder: every .rekd file under it; -: standard input to stdout)',
  details: [
    'Layout: two spaces per level, = of consecutive attributes (and { of one-line blocks) aligned, `0.3 .. 1.0`, `[a, b]`,',
    'one blank line between declarations, comments where they are. It never changes what a file means; a file with syntax',
    'errors is not touched (its diagnostics are shown). With --check nothing is written: the files that would change are',
    'listed and the exit status is 1 if there is any.',
  ],
  options: {
    check: { kind: 'flag', help: 'write nothing; list the files that are not formatted and exit 1 if any' },
    format: FORMAT,
  },
  run({ operands, options }) {
    const stdin = operands.includes('-');
    if (stdin && operands.length > 1) throw new UsageError('standard input (-) is formatted alone: its result goes to stdout');
    // A folder with no .rekd file has nothing to format.
    const files = rekdInputs(operands).filter((input) => input.kind !== 'empty folder').map((input) => input.name);
    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    const changed: string[] = [];
    for (const file of files) {
      const text = file === STDIN_NAME ? fs.readFileSync(0, 'utf8') : readText(file);
      if (text === undefined) {
        diagnostics.push(diagnostic('RK0002', `cannot read '${file}'`, null));
        continue;
      }
      const formatted = formatSource(text, file);
      if (!formatted.ok) {
        sources.set(file, text);
        diagnostics.push(...formatted.diagnostics);
        continue;
      }
      if (file === STDIN_NAME) {
        if (!options.check && options.format !== 'json') process.stdout.write(formatted.text);
      } else if (!options.check && formatted.text !== text) {
        writeFileAtomic(path.resolve(file), formatted.text);
      }
      if (formatted.text !== text) changed.push(file);
    }
    if (options.format === 'json') {
      printJson({ files, changed, written: !options.check && !stdin, diagnostics, summary: summary(diagnostics) });
    } else {
      if (diagnostics.length) {
        const failed = [...new Set(diagnostics.map((d) => d.span?.file).filter((file) => file !== undefined))];
        const what = failed.length === 1 ? failed[0] : `${failed.length} files`;
        process.stderr.write(`${renderDiagnostics(diagnostics, sources, { color: colorFor(process.stderr), summary: false })}\n\n${what}: ${summary(diagnostics)}, left as they are\n`);
      }
      if (!stdin) for (const file of changed) process.stdout.write(`${file}\n`);
    }
    return diagnostics.length > 0 || (options.check && changed.length > 0) ? 1 : 0;
  },
});
