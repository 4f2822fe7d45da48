/**
 * Completion from the schema catalog: block names and attribute names in a block, kinds after a
 * kinded block's name, enum values (and `none`, `true`/`false`) after `=`, paths in a grid. The
 * place is read from the text before the cursor (headers of the open `{`s, the member being
 * written), so it works in a file that does not parse yet.
 */
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { EXPERIMENT, type AttributeSpec, type BlockSpec, type SlotSpec } from '../schema/catalog.ts';
import type { Analysis } from './analysis.ts';
import { attributeDoc, kindDoc, slotDoc } from './catalog-docs.ts';
import { childBlock, pathMember, pathPrefixSpecs } from './spec-context.ts';

const KEYWORDS = ['experiment', 'grid', 'import'];
/** A string as the lexer reads it: escapes, closing quote optional. */
const STRING = /"(?:[^"\\\n\r]|\\.)*"?/y;

/** The words of each open block's header, outermost first, and the member text before the cursor. */
export function openBlocks(text: string, offset: number): { headers: string[][]; member: string } {
  const headers: string[][] = [];
  let start = 0;
  let i = 0;
  while (i < offset) {
    const c = text[i];
    if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? offset : text.indexOf('\n', i);
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) === -1 ? offset : text.indexOf('*/', i) + 2;
    else if (c === '"') {
      STRING.lastIndex = i;
      STRING.exec(text);
      i = STRING.lastIndex;
    }
    else {
      if (c === '{') headers.push(text.slice(start, i).trim().split(/\s+/).filter(Boolean));
      if (c === '}') headers.pop();
      if (c === '{' || c === '}' || c === ',' || c === '\n') start = i + 1;
      i += 1;
    }
  }
  return { headers, member: text.slice(start, offset).replace(/^\s+/, '') };
}

/** The spec of the innermost open block of an experiment; null outside any, or in a grid or unknown block. */
function blockSpec(headers: string[][]): BlockSpec | null | 'grid' {
  if (headers.length === 0) return null;
  if (headers[0][0] === 'grid') return 'grid';
  if (headers[0][0] !== 'experiment') return null;
  let spec: BlockSpec | null = EXPERIMENT;
  for (const [name, kind] of headers.slice(1)) spec = childBlock(spec, name ?? '', kind ?? null).spec;
  return spec;
}

const attributeItem = (name: string, attribute: AttributeSpec): CompletionItem =>
  ({ label: name, kind: CompletionItemKind.Property, documentation: { kind: 'markdown', value: attributeDoc(name, attribute) } });
const slotItem = (name: string, slot: SlotSpec): CompletionItem =>
  ({ label: name, kind: CompletionItemKind.Module, documentation: { kind: 'markdown', value: slotDoc(name, slot) } });
const kindItem = (name: string, spec: BlockSpec): CompletionItem =>
  ({ label: name, kind: CompletionItemKind.Class, documentation: { kind: 'markdown', value: kindDoc(name, spec) } });
const word = (label: string): CompletionItem => ({ label, kind: CompletionItemKind.Keyword });

function members(specs: readonly BlockSpec[]): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  for (const spec of specs) {
    for (const [name, attribute] of Object.entries(spec.attributes)) if (!items.has(name)) items.set(name, attributeItem(name, attribute));
    for (const [name, slot] of Object.entries(spec.slots)) if (!items.has(name)) items.set(name, slotItem(name, slot));
  }
  return [...items.values()];
}

const kinds = (slot: SlotSpec): CompletionItem[] => (slot.form === 'kinded' ? Object.entries(slot.kinds).map(([n, s]) => kindItem(n, s)) : []);

/** What may follow `=` for an attribute (or a kinded slot set by its kind alone). */
function values(attribute: AttributeSpec | null, slot: SlotSpec | null): CompletionItem[] {
  if (slot) return [...kinds(slot), word('none')];
  if (!attribute) return [];
  const type = attribute.type;
  const written = type.t === 'enum' ? type.values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember }))
    : type.t === 'bool' ? [word('true'), word('false')]
      : type.t === 'count_or_all' ? [word('all')] : [];
  return attribute.default === null ? [...written, word('none')] : written;
}

/** The experiment names a base (`extends`, `of`) may take: the file's and its imports'. */
const experimentNames = (analysis: Analysis): CompletionItem[] =>
  analysis.program.files.flatMap((f) => f.experiments.map((e) => ({ label: e.name.text, kind: CompletionItemKind.Reference })));

function inGrid(member: string): CompletionItem[] {
  const assigned = /^([\w.]+)\s*=\s*\[?[^=]*?\w*$/.exec(member);
  if (assigned) {
    const segments = assigned[1].split('.');
    const target = pathMember(segments.map((text) => ({ text, span: { file: '', start: 0, end: 0, line: 1, column: 1 } })));
    return target?.type === 'attribute' ? values(target.attribute, null) : target?.type === 'block' ? values(null, target.slot) : [];
  }
  const path = /^([\w.]*)$/.exec(member);
  if (!path) return [];
  const prefix = path[1].split('.').slice(0, -1);
  return [...members(pathPrefixSpecs(prefix)), ...(prefix.length ? [] : [word('zip'), word('where')])];
}

export function completion(analysis: Analysis, offset: number): CompletionItem[] {
  const { headers, member } = openBlocks(analysis.text, offset);
  const spec = blockSpec(headers);
  if (headers.length === 0) {
    if (/^(experiment\s+\w+\s+extends|grid\s+\w+\s+of)\s+\w*$/.test(member)) return experimentNames(analysis);
    return /^\w*$/.test(member) ? KEYWORDS.map(word) : [];
  }
  if (spec === 'grid') return inGrid(member);
  if (!spec) return [];
  const assigned = /^(\w+)\s*=\s*\w*$/.exec(member);
  if (assigned) {
    const name = assigned[1];
    return values(Object.hasOwn(spec.attributes, name) ? spec.attributes[name] : null, Object.hasOwn(spec.slots, name) ? spec.slots[name] : null);
  }
  const kinded = /^(\w+)\s+\w*$/.exec(member);
  if (kinded) {
    const slot = Object.hasOwn(spec.slots, kinded[1]) ? spec.slots[kinded[1]] : null;
    return slot ? kinds(slot) : [];
  }
  return /^\w*$/.test(member) ? members([spec]) : [];
}
