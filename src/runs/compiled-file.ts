/**
 * A compiled .rekd file as the runs of its experiments keep it: its display name, the very text
 * that was compiled (hashed into program headers, copied into run directories as source.rekd) and
 * the experiments taken from it.
 */
import * as path from 'node:path';
import { compiledText, type CompileResult, type ResolvedExperiment } from '../compiler.ts';
import type { SourceFile } from '../runtime/run/directory.ts';
import { displayName } from '../tree/modules.ts';

export interface CompiledFile {
  /** Display name of the file (relative to the working directory when inside it). */
  file: string;
  /** The text the compiler read. */
  text: string;
  experiments: ResolvedExperiment[];
  /** When the file imports others: it and its imports under their common folder (run directories keep it as `sources/`). */
  sourceTree?: SourceFile[];
}

/** `file` (as given to compileFile) with the text `result` was compiled from. */
export const compiledFile = (result: CompileResult, file: string, experiments: ResolvedExperiment[]): CompiledFile => {
  const tree = result.files.length > 1 ? sourceTree(result.files.map((name) => [name, result.sources.get(name)!])) : undefined;
  return { file: displayName(path.resolve(file)), text: compiledText(result, file), experiments, ...(tree ? { sourceTree: tree } : {}) };
};

/** Files by display name -> each at its path below the deepest folder holding them all, so relative imports still resolve. */
function sourceTree(files: Array<[name: string, text: string]>): SourceFile[] {
  const absolute = files.map(([name]) => path.resolve(name));
  let common = path.dirname(absolute[0]);
  const holdsAll = (folder: string) => absolute.every((file) => file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
  while (!holdsAll(common)) common = path.dirname(common);
  return files.map(([, text], i) => ({ path: path.relative(common, absolute[i]).split(path.sep).join('/'), text }));
}
