/** Formatting requests: the whole document in `rekdc fmt`'s layout, or no edit (already formatted, or syntax errors). */
import type { TextEdit } from 'vscode-languageserver';
import { formatSource } from '../format/index.ts';
import type { Analysis } from './analysis.ts';
import { rangeOf } from './diagnostics.ts';

export function formatting(analysis: Analysis): TextEdit[] {
  const formatted = formatSource(analysis.text, analysis.name);
  if (!formatted.ok || formatted.text === analysis.text) return [];
  return [{ range: rangeOf(analysis.text, 0, analysis.text.length), newText: formatted.text }];
}
