/**
 * `rekdc check <file | folder | ->...`: every mistake of the files, a folder's .rekd files (all
 * of them under it) and standard input (`-`, named `<stdin>`). Exit 0 clean, 1 when any has errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileFile, compileSource, renderDiagnostics, type CompileResult, type Diagnostic } from '../compiler.ts';
import { diagnostic } from '../diagnostics/diagnostic.ts';
import { summary } from '../diagnostics/render.ts';
import { UsageError } from '../runs/usage-error.ts';
import { RUNS_FOLDER } from '../runs/folders.ts';
import { colorFor } from './color.ts';
import { defineCommand } from './command.ts';
import { FORMAT, SET } from './common-options.ts';
import { printJson } from './diagnostics-output.ts';

/** The name diagnostics give standard input. */
export const STDIN_NAME = '<stdin>';

/** Folders a search for .rekd files does not enter: dependencies, hidden folders, run outputs. */
const SKIPPED_FOLDERS = new Set(['node_modules', RUNS_FOLDER]);

/** The .rekd files under `folder`, sorted, skipping SKIPPED_FOLDERS and hidden folders. */
export function rekdFilesUnder(folder: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) visit(full);
      else if (entry.isFile() && entry.name.endsWith('.rekd')) found.push(full);
    }
  };
  visit(folder);
  return found;
}

interface Checked {
  /** What the user named: a file, `<stdin>`, or a folder with no .rekd file. */
  name: string;
  result: Pick<CompileResult, 'diagnostics' | 'sources'>;
}

/** Compiles each input: a folder becomes its .rekd files, `-` standard input. */
function checkInputs(inputs: readonly string[], overrides: readonly string[]): Checked[] {
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  return inputs.flatMap((input): Checked[] => {
    if (input === '-') return [{ name: STDIN_NAME, result: compileSource(fs.readFileSync(0, 'utf8'), STDIN_NAME, { overrides }) }];
    if (!fs.statSync(input, { throwIfNoEntry: false })?.isDirectory()) return [{ name: input, result: compileFile(input, { overrides }) }];
    const files = rekdFilesUnder(input);
    if (files.length === 0) {
      const none = diagnostic('RK0002', `no .rekd file in the folder '${input}'`, null);
      return [{ name: input, result: { diagnostics: [none], sources: new Map() } }];
    }
    return files.map((file) => ({ name: file, result: compileFile(file, { overrides }) }));
  });
}

export const check = defineCommand({
  name: 'check',
  operands: '<file|folder|->...',
  count: [1, Infinity],
  summary: 'check .rekd files and report every mistake (a folder: every .rekd file under it; -: standard input)',
  details: [
    'Diagnostics read `file:line:col: severity[RKnnnn]: message` with the source line and notes.',
    'Exit status: 0 when no file has errors (warnings and notes allowed), 1 when any has.',
  ],
  options: {
    set: SET,
    format: FORMAT,
    max: { kind: 'integer', value: 'N', min: 1, help: 'show at most N diagnostics per file (default 50; the summary counts all)' },
  },
  run({ operands, options }) {
    const checked = checkInputs(operands, options.set);
    const all: Diagnostic[] = checked.flatMap((c) => c.result.diagnostics);
    if (options.format === 'json') {
      printJson({ files: checked.map((c) => c.name), diagnostics: all, summary: summary(all) });
    } else {
      const color = colorFor(process.stdout);
      const texts = checked.filter((c) => c.result.diagnostics.length)
        .map((c) => renderDiagnostics(c.result.diagnostics, c.result.sources, { max: options.max, color, summary: false }));
      const what = checked.length === 1 ? checked[0].name : `${checked.length} files`;
      process.stdout.write([...texts, `${what}: ${summary(all)}`].join('\n\n') + '\n');
    }
    return all.some((d) => d.severity === 'error') ? 1 : 0;
  },
});
