/**
 * A compiled .rekd file as the runs of its experiments keep it: its display name, the very text
 * that was compiled (hashed into program headers, copied into run directories as source.rekd) and
 * the experiments taken from it.
 */
import * as path from 'node:path';
import { compiledText, type CompileResult, type ResolvedExperiment } from '../compiler.ts';
import { displayName } from '../tree/modules.ts';

export interface CompiledFile {
  /** Display name of the file (relative to the working directory when inside it). */
  file: string;
  /** The text the compiler read. */
  text: string;
  experiments: ResolvedExperiment[];
}

/** `file` (as given to compileFile) with the text `result` was compiled from. */
export const compiledFile = (result: CompileResult, file: string, experiments: ResolvedExperiment[]): CompiledFile =>
  ({ file: displayName(path.resolve(file)), text: compiledText(result, file), experiments });
