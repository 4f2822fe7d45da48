/**
 * Type-checks a generated program in memory against the runtime's own types, with the repository's
 * compiler options; 'rekd/runtime' resolves to src/runtime/index.ts through package.json `exports`
 * (the program is checked as a file inside the repository). A problem here is a bug in
 * the code generator (the experiment passed every check), reported with its place in the program.
 */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface TypeCheckProblem {
  line: number;
  column: number;
  message: string;
}

let project: Project | undefined;

function sharedProject(): Project {
  project ??= new Project({
    tsConfigFilePath: path.join(repoRoot, 'tsconfig.json'),
    skipAddingFilesFromTsConfig: true,
  });
  return project;
}

/** Problems of the program `text` as if it were the file `fileName` (inside the repository). */
export function typeCheckProgram(text: string, fileName: string): TypeCheckProblem[] {
  const checker = sharedProject();
  const file = checker.createSourceFile(path.resolve(repoRoot, fileName), text, { overwrite: true });
  try {
    return file.getPreEmitDiagnostics().map((d) => {
      const start = d.getStart() ?? 0;
      const { line, column } = file.getLineAndColumnAtPos(start);
      return { line, column, message: ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n') };
    });
  } finally {
    checker.removeSourceFile(file);
  }
}
