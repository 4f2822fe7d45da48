/**
 * The canonical layout of a .rekd file (`rekdc fmt`, the language server's formatting). A file
 * with syntax errors is never reformatted: its diagnostics are returned instead.
 */
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { parseSource, stripByteOrderMark } from '../syntax/parse.ts';
import { linesOf } from './lines.ts';
import { render } from './render.ts';

export type Formatted = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

export function formatSource(text: string, file: string): Formatted {
  const source = stripByteOrderMark(text);
  const errors = parseSource(source, file).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, diagnostics: sortDiagnostics(errors, [file]) };
  return { ok: true, text: render(linesOf(source)) };
}
