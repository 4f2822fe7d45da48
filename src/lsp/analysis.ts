/**
 * One open document compiled as `rekdc check` compiles it, imports read from the open documents
 * before the disk (an edited, unsaved import counts), and its parsed files for navigation. A
 * document compiled again after an edit takes from its previous analysis what the edit left alone.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledProgram, compileSource, type CompileResult } from '../compiler.ts';
import { displayName, loadProgram, readFromDisk, type Program, type ReadFile } from '../tree/modules.ts';

/** The text of an open document by absolute path, undefined when it is not open. */
export type OpenText = (absolutePath: string) => string | undefined;

/** The file a document URI names; an unsaved (`untitled:`) one is placed in the working directory. */
export function uriPath(uri: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  return path.resolve(uri.replace(/^[a-z]+:/, '').replace(/[\\/]/g, '_'));
}

/** The URI of a file diagnostics and the syntax tree name by display name. */
export const nameUri = (name: string): string => pathToFileURL(path.resolve(name)).href;

export const readerOf = (openText: OpenText): ReadFile => (absolutePath) => openText(absolutePath) ?? readFromDisk(absolutePath);

export class Analysis {
  readonly file: string;
  readonly name: string;
  readonly result: CompileResult;
  private parsed: Program | undefined;

  constructor(readonly uri: string, readonly text: string, private readonly readFile: ReadFile, previous?: Analysis) {
    this.file = uriPath(uri);
    this.name = displayName(this.file);
    this.result = compileSource(text, this.name, { readFile, previous: previous?.result });
  }

  /** The document and its imports parsed (root first), for navigation. */
  get program(): Program {
    this.parsed ??= compiledProgram(this.result) ?? loadProgram(this.file, this.text, this.readFile, this.name);
    return this.parsed;
  }

  /** Whether compiling this document read `name` (display name): an edit there changes its diagnostics. */
  reads(name: string): boolean {
    return this.result.sources.has(name);
  }
}
