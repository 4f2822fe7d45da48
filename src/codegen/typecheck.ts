/**
 * Type-checks a generated program in memory against the runtime's own types, with the repository's
 * compiler options; 'rekd/runtime' resolves to src/runtime/index.ts through package.json `exports`
 * (the program is checked as a file inside the repository). A problem here is a bug in
 * the code generator (the experiment passed every check), reported with its place in the program.
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface TypeCheckProblem {
  line: number;
  column: number;
  message: string;
}

export interface TypeCheckResult {
  problems: TypeCheckProblem[];
  /**
   * Every file the check read besides the programs checked (runtime sources, declarations):
   * absolute path -> text as parsed. Not the default libs: ts-morph serves them from memory, fixed by its TypeScript version.
   */
  inputs: Map<string, string>;
}

/**
 * The repository's options (tsconfig.json) but only the types a program and the runtime use: the
 * test framework's (`mocha`) are a devDependency, absent from an installed package.
 */
export const PROGRAM_OPTIONS = { types: ['node'] };

let project: Project | undefined;

function sharedProject(): Project {
  project ??= new Project({
    tsConfigFilePath: path.join(repoRoot, 'tsconfig.json'),
    skipAddingFilesFromTsConfig: true,
    compilerOptions: PROGRAM_OPTIONS,
  });
  return project;
}

/** A program to check, as the file `fileName` (relative to the repository or absolute). */
export interface ProgramFile {
  text: string;
  fileName: string;
}

/**
 * The verdict on each of `files`, checked together in one TypeScript program: the runtime, its
 * declarations and the libs are parsed and bound once for all of them (a grid's cells), where
 * one check after another rebuilds the checker each time. Generated programs import only the
 * runtime, never each other, so each verdict is the one it would get alone.
 */
export function typeCheckAll(files: readonly ProgramFile[]): TypeCheckResult[] {
  const paths = files.map((f) => path.resolve(repoRoot, f.fileName));
  if (new Set(paths).size !== paths.length) throw new Error('typeCheckAll: two programs checked as the same file');
  const checker = sharedProject();
  const sources = files.map((f, i) => checker.createSourceFile(paths[i], f.text, { overwrite: true }));
  try {
    const checked = new Set(sources.map((source) => source.getFilePath() as string));
    const program = checker.getProgram().compilerObject;
    const inputs = new Map<string, string>();
    for (const source of program.getSourceFiles()) {
      if (!checked.has(source.fileName) && !program.isSourceFileDefaultLibrary(source)) inputs.set(source.fileName, source.text);
    }
    return sources.map((source) => ({
      problems: source.getPreEmitDiagnostics().map((d) => {
        const { line, column } = source.getLineAndColumnAtPos(d.getStart() ?? 0);
        return { line, column, message: ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n') };
      }),
      inputs,
    }));
  } finally {
    for (const source of sources) checker.removeSourceFile(source);
  }
}

/** Problems of the program `text` as if it were the file `fileName` (inside the repository). */
export function typeCheckProgram(text: string, fileName: string): TypeCheckProblem[] {
  return typeCheckAll([{ text, fileName }])[0].problems;
}
