/**
 * What the commands over .rekd files (`check`, `fmt`) take: files, folders (every .rekd file
 * under them) and `-` (standard input, named `<stdin>`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNS_FOLDER } from '../runs/folders.ts';

/** The name diagnostics give standard input. */
export const STDIN_NAME = '<stdin>';

/** Their command line: one input or more. */
export const REKD_INPUTS = { operands: '<file|folder|->...', count: [1, Infinity] } as const;

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

/** One input: a path that is not a folder (read as a .rekd file), standard input, or a folder holding no .rekd file. */
export interface RekdInput {
  name: string;
  kind: 'file' | 'stdin' | 'empty folder';
}

/** The inputs `operands` name, in their order: a folder becomes its .rekd files, `-` standard input. */
export function rekdInputs(operands: readonly string[]): RekdInput[] {
  return operands.flatMap((operand): RekdInput[] => {
    if (operand === '-') return [{ name: STDIN_NAME, kind: 'stdin' }];
    if (!fs.statSync(operand, { throwIfNoEntry: false })?.isDirectory()) return [{ name: operand, kind: 'file' }];
    const files = rekdFilesUnder(operand);
    return files.length ? files.map((file) => ({ name: file, kind: 'file' })) : [{ name: operand, kind: 'empty folder' }];
  });
}
