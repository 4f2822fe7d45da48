/**
 * Hover: what a name or value means (from the catalog: meaning, type, range, default) and, in an
 * experiment that checked clean, the value it resolved to and where that came from, as `rekdc explain` says.
 */
import type { Hover } from 'vscode-languageserver';
import type { JsonValue } from '../compiler.ts';
import { originText } from '../tree/origin-text.ts';
import type { Analysis } from './analysis.ts';
import { attributeDoc, kindDoc, slotDoc } from './catalog-docs.ts';
import { spanRange } from './diagnostics.ts';
import { locate, type Located } from './locate.ts';

/** The value at a dotted path of a resolved experiment; list items are found by their `op`. */
function valueAt(experiment: unknown, path: string): unknown {
  let value = experiment;
  for (const segment of path.split('.')) {
    if (Array.isArray(value)) value = value.find((item: { op?: string }) => item.op === segment);
    else if (value && typeof value === 'object') value = (value as Record<string, unknown>)[segment];
    else return undefined;
  }
  return value;
}

/** The resolved value of `path` in `experiment` and its origin, when the experiment checked clean. */
function resolvedLine(analysis: Analysis, experiment: string, path: string): string | null {
  const resolved = analysis.result.experiments.get(experiment);
  const provenance = analysis.result.provenance.get(experiment);
  if (!resolved || !provenance) return null;
  const value = valueAt(resolved, path) as JsonValue | undefined;
  if (value === undefined) return null;
  return `in \`${experiment}\`: \`${JSON.stringify(value)}\`, from ${originText(provenance.get(path))}`;
}

function contents(analysis: Analysis, located: Located): string | null {
  switch (located.type) {
    case 'import': return `import of \`${located.node.path}\``;
    case 'declaration': return `${located.what} \`${located.name.text}\``;
    case 'base': return `base experiment \`${located.name.text}\``;
    case 'block': return located.slot ? slotDoc(located.name.text, located.slot) : null;
    case 'kind': return located.spec ? kindDoc(located.name.text, located.spec) : null;
    case 'path': {
      const { member } = located;
      if (!member) return null;
      return member.type === 'attribute' ? attributeDoc(located.name.text, member.attribute) : slotDoc(located.name.text, member.slot);
    }
    case 'attribute': {
      if (!located.attribute) return null;
      const resolved = located.experiment === null ? null : resolvedLine(analysis, located.experiment, located.path);
      return [attributeDoc(located.name.text, located.attribute), ...(resolved ? ['', resolved] : [])].join('\n');
    }
  }
}

export function hover(analysis: Analysis, offset: number): Hover | null {
  const located = locate(analysis.program.files[0], offset);
  const text = located && contents(analysis, located);
  if (!located || !text) return null;
  const span = located.type === 'import' ? located.node.pathSpan : located.type === 'attribute' && located.value ? located.value.span : located.name.span;
  return { contents: { kind: 'markdown', value: text }, range: spanRange(span, analysis.text) };
}
