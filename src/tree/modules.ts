/**
 * Loads a file and, transitively, what it imports (paths relative to the importing file).
 * A missing file is RK0601 and a cycle RK0602, both at the import's path string.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileNode } from '../ast/nodes.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { parseSource, stripByteOrderMark, type Parsed } from '../syntax/parse.ts';

/** Reads a file's text, or undefined when it does not exist or cannot be read. */
export type ReadFile = (absolutePath: string) => string | undefined;

export const readFromDisk: ReadFile = (absolutePath) => {
  try {
    return readFileSync(absolutePath, 'utf8');
  } catch {
    return undefined;
  }
};

export interface Program {
  /** Display names (relative to the working directory) of the loaded files, root first. */
  files: FileNode[];
  /** Source text per display name, for rendering diagnostics. */
  sources: Map<string, string>;
  diagnostics: Diagnostic[];
}

/** Display name of a file: relative to the working directory when inside it. */
export function displayName(absolutePath: string): string {
  const relative = path.relative(process.cwd(), absolutePath);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolutePath : relative;
}

/** Parses a file's text; `name` is its display name. */
export type ParseFile = (text: string, name: string) => Parsed<FileNode>;

/** A folder as the user can find it: relative to the working directory, or absolute when that is it or outside it. */
function folderName(absoluteFolder: string): string {
  const name = displayName(absoluteFolder);
  return name === '' ? `the current folder (${absoluteFolder})` : `folder ${name}${path.sep}`;
}

/**
 * Loads `root` (already read as `rootText`) and its imports. `rootName` is its display name
 * and `rootPath` its absolute path (imports resolve against its directory). `parse` may reuse an
 * earlier version's trees (the language server).
 */
export function loadProgram(rootPath: string, rootText: string, readFile: ReadFile, rootName = displayName(rootPath),
  parse: ParseFile = parseSource): Program {
  const program: Program = { files: [], sources: new Map(), diagnostics: [] };
  const loaded = new Set<string>();
  const visit = (absolutePath: string, name: string, read: string, stack: string[]): void => {
    const text = stripByteOrderMark(read);
    loaded.add(absolutePath);
    program.sources.set(name, text);
    const parsed = parse(text, name);
    program.files.push(parsed.value);
    program.diagnostics.push(...parsed.diagnostics);
    for (const node of parsed.value.imports) {
      const target = path.resolve(path.dirname(absolutePath), node.path);
      const cycle = stack.indexOf(target);
      if (cycle !== -1 || target === absolutePath) {
        const chain = [...stack.slice(cycle === -1 ? stack.length : cycle), absolutePath, target].map(displayName).join(' -> ');
        program.diagnostics.push(diagnostic('RK0602', `import cycle: ${chain}`, node.pathSpan));
        continue;
      }
      if (loaded.has(target)) continue;
      const targetText = readFile(target);
      if (targetText === undefined) {
        program.diagnostics.push(diagnostic('RK0601', `cannot read imported file '${node.path}'`, node.pathSpan,
          { notes: [`looked for '${path.basename(target)}' in ${folderName(path.dirname(target))} (imports are relative to the importing file's folder)`] }));
        continue;
      }
      visit(target, displayName(target), targetText, [...stack, absolutePath]);
    }
  };
  visit(rootPath, rootName, rootText, []);
  return program;
}
