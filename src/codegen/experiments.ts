/**
 * The programs of every .rekd file in a folder (what generated/ holds for experiments/): one per
 * experiment the file declares, keyed by `<file stem>/<experiment>.ts`, in sorted order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiledText, compileFile, renderDiagnostics } from '../compiler.ts';
import { generateProgram, type GeneratedProgram } from './index.ts';

export class ExperimentsError extends Error {
  override name = 'ExperimentsError';
}

export function programsOf(folder: string): Map<string, GeneratedProgram> {
  const programs = new Map<string, GeneratedProgram>();
  const files = fs.readdirSync(folder).filter((name) => name.endsWith('.rekd')).sort();
  for (const name of files) {
    const file = path.join(folder, name);
    const result = compileFile(file);
    if (!result.ok) throw new ExperimentsError(renderDiagnostics(result.diagnostics, result.sources));
    const text = compiledText(result, file);
    for (const experiment of result.experiments.values()) {
      const program = generateProgram(experiment, file, text);
      programs.set(program.relativePath, program);
    }
  }
  return programs;
}
