/** Quick fixes: a diagnostic with a did-you-mean suggestion offers to write the suggestion in place. */
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { FixData } from './diagnostics.ts';

const suggestionOf = (d: Diagnostic): string | undefined => (d.data as FixData | undefined)?.suggestion;

export function quickFixes(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  return diagnostics.flatMap((d) => {
    const suggestion = suggestionOf(d);
    if (suggestion === undefined) return [];
    return [{
      title: `Change to '${suggestion}'`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: suggestion }] } },
    }];
  });
}
