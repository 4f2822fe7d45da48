/** Where a resolved value came from, as `rekdc explain` and the language server's hover say it. */
import type { Provenance } from './tree.ts';

/** `default`, `file:line`, `override <--set N>` or `grid file:line`. */
export function originText(p: Provenance | undefined): string {
  if (!p || p.source === 'default' || !p.span) return 'default';
  const at = p.span.file.startsWith('<') ? p.span.file : `${p.span.file}:${p.span.line}`;
  return p.source === 'file' ? at : `${p.source} ${at}`;
}
