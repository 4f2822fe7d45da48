/** RK0701: two experiments, grids or axes sets with one name among a file and everything it imports. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ProgramRule } from '../rule.ts';

export const duplicateDeclaration: ProgramRule<'RK0701'> = {
  code: 'RK0701',
  checkProgram(files, report) {
    const seen = new Map<string, { file: string; line: number }>();
    for (const file of files) {
      for (const declaration of [...file.experiments, ...file.grids, ...file.axesSets].sort((a, b) => a.span.start - b.span.start)) {
        const first = seen.get(declaration.name.text);
        if (first) {
          report(diagnostic(this.code, `'${declaration.name.text}' is already declared`, declaration.name.span,
            { notes: [`first declared at ${first.file}:${first.line}`] }));
        } else {
          seen.set(declaration.name.text, declaration.name.span);
        }
      }
    }
  },
};
