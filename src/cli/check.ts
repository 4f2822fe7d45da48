/**
 * `rekdc check <file | folder | ->...`: every mistake of the files, a folder's .rekd files (all
 * of them under it) and standard input (`-`, named `<stdin>`). Exit 0 clean, 1 when any has errors.
 */
import * as fs from 'node:fs';
import { compileFile, compileSource, renderDiagnostics, type CompileResult, type Diagnostic } from '../compiler.ts';
import { diagnostic } from '../diagnostics/diagnostic.ts';
import { summary } from '../diagnostics/render.ts';
import { UsageError } from '../runs/usage-error.ts';
import { colorFor } from './color.ts';
import { defineCommand } from './command.ts';
import { FORMAT, SET } from './common-options.ts';
import { printJson } from './diagnostics-output.ts';
import { REKD_INPUTS, rekdInputs, STDIN_NAME } from './rekd-inputs.ts';

interface Checked {
  /** What the user named: a file, `<stdin>`, or a folder with no .rekd file. */
  name: string;
  result: Pick<CompileResult, 'diagnostics' | 'sources'>;
}

/** Compiles each input: a folder becomes its .rekd files, `-` standard input. */
function checkInputs(operands: readonly string[], overrides: readonly string[]): Checked[] {
  if (operands.filter((operand) => operand === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  return rekdInputs(operands).map(({ name, kind }): Checked => {
    if (kind === 'stdin') return { name, result: compileSource(fs.readFileSync(0, 'utf8'), STDIN_NAME, { overrides }) };
    if (kind === 'file') return { name, result: compileFile(name, { overrides }) };
    return { name, result: { diagnostics: [diagnostic('RK0002', `no .rekd file in the folder '${name}'`, null)], sources: new Map() } };
  });
}

export const check = defineCommand({
  name: 'check',
  ...REKD_INPUTS,
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
