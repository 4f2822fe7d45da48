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
   * Every other file the check read (runtime sources, declarations): absolute path -> text as
   * parsed. Not the default libs: ts-morph serves them from memory, fixed by its TypeScript version.
   */
  inputs: Map<string, string>;
}

let project: Project | undefined;

function sharedProject(): Project {
  project ??= new Project({
    tsConfigFilePath: path.join(repoRoot, 'tsconfig.json'),
    skipAddingFilesFromTsConfig: true,
  });
  return project;
}

/** Problems of the program `text` as if it were the file `fileName` (inside the repository), and what the verdict read. */
export function typeCheck(text: string, fileName: string): TypeCheckResult {
  const checker = sharedProject();
  const file = checker.createSourceFile(path.resolve(repoRoot, fileName), text, { overwrite: true });
  try {
    const problems = file.getPreEmitDiagnostics().map((d) => {
      const start = d.getStart() ?? 0;
      const { line, column } = file.getLineAndColumnAtPos(start);
      return { line, column, message: ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n') };
    });
    const inputs = new Map<string, string>();
    const program = checker.getProgram().compilerObject;
    for (const source of program.getSourceFiles()) {
      if (source.fileName !== file.getFilePath() && !program.isSourceFileDefaultLibrary(source)) inputs.set(source.fileName, source.text);
    }
    return { problems, inputs };
  } finally {
    checker.removeSourceFile(file);
  }
}

/** Problems of the program `text` as if it were the file `fileName` (inside the repository). */
export function typeCheckProgram(text: string, fileName: string): TypeCheckProblem[] {
  return typeCheck(text, fileName).problems;
}
