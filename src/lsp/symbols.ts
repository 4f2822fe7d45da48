/** Document symbols: the experiments and grids of a file, an experiment's blocks inside it. */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { BodyNode } from '../ast/nodes.ts';
import type { Analysis } from './analysis.ts';
import { spanRange } from './diagnostics.ts';

function blocks(body: BodyNode, text: string): DocumentSymbol[] {
  return body.members.flatMap((member) => (member.type === 'block'
    ? [{
      name: member.kind ? `${member.name.text} ${member.kind.text}` : member.name.text, kind: SymbolKind.Object,
      range: spanRange(member.span, text), selectionRange: spanRange(member.name.span, text), children: blocks(member.body, text),
    }]
    : []));
}

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const { text } = analysis;
  const root = analysis.program.files[0];
  const experiments = root.experiments.map((e): DocumentSymbol => ({
    name: e.name.text, detail: e.base ? `experiment extends ${e.base.text}` : 'experiment', kind: SymbolKind.Class,
    range: spanRange(e.span, text), selectionRange: spanRange(e.name.span, text), children: blocks(e.body, text),
  }));
  const grids = root.grids.map((g): DocumentSymbol => ({
    name: g.name.text, detail: `grid of ${g.base.text}`, kind: SymbolKind.Array,
    range: spanRange(g.span, text), selectionRange: spanRange(g.name.span, text),
  }));
  return [...experiments, ...grids].sort((a, b) => a.range.start.line - b.range.start.line);
}
