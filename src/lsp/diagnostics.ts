/**
 * Compiler diagnostics as LSP diagnostics of one document: codes, messages, notes and suggestions
 * as `rekdc check` gives them. A problem inside an imported file is shown at the import that brings
 * it in, with its own place as related information.
 */
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver';
import type { Diagnostic, Span } from '../compiler.ts';
import { spanAt } from '../diagnostics/span.ts';
import type { Analysis } from './analysis.ts';
import { nameUri } from './analysis.ts';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information } as const;

/** What a quick fix needs: the replacement the diagnostic suggests. */
export interface FixData { suggestion: string }

/** The LSP range of `[start, end)` in `text` (UTF-16 offsets, as JavaScript strings count). */
export function rangeOf(text: string, start: number, end: number): Range {
  const from = spanAt('', text, start, start);
  const to = spanAt('', text, end, end);
  return { start: { line: from.line - 1, character: from.column - 1 }, end: { line: to.line - 1, character: to.column - 1 } };
}

export const spanRange = (span: Span, text: string): Range => rangeOf(text, span.start, span.end);

/** The root's import whose file is `file` or leads to it; the first import when none is known. */
function importRange(analysis: Analysis, file: string): Range {
  const root = analysis.program.files[0];
  const direct = root.imports.find((node) => path.resolve(path.dirname(analysis.file), node.path) === path.resolve(file)) ?? root.imports[0];
  return direct ? spanRange(direct.pathSpan, analysis.text) : rangeOf(analysis.text, 0, 0);
}

export function lspDiagnostics(analysis: Analysis): LspDiagnostic[] {
  const { result, text, name } = analysis;
  return result.diagnostics.map((d: Diagnostic): LspDiagnostic => {
    const here = d.span === null || d.span.file === name;
    const range = d.span === null ? rangeOf(text, 0, 0) : here ? spanRange(d.span, text) : importRange(analysis, d.span.file);
    const notes = d.notes.map((note) => `\nnote: ${note}`).join('');
    const help = d.suggestion === undefined ? '' : `\nhelp: did you mean '${d.suggestion}'?`;
    const lsp: LspDiagnostic = {
      range, severity: SEVERITY[d.severity], code: d.code, source: 'rekd',
      message: `${here || !d.span ? '' : `${d.span.file}:${d.span.line}:${d.span.column}: `}${d.message}${notes}${help}`,
    };
    if (d.span && !here) {
      const source = result.sources.get(d.span.file) ?? '';
      lsp.relatedInformation = [{ location: { uri: nameUri(d.span.file), range: spanRange(d.span, source) }, message: d.message }];
    }
    if (here && d.suggestion !== undefined) lsp.data = { suggestion: d.suggestion } satisfies FixData;
    return lsp;
  });
}
