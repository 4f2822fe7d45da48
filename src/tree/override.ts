/**
 * Applies `path = value` to a tree: `--set` overrides and grid cells. A path names slots then an
 * attribute (`loss.relation.temperature`); on a block slot the value is a kind (`student =
 * mobilenetv2`) or `none`. Unknown paths are RK0801 with did-you-mean.
 */
import type { Name, PathNode, ValueNode } from '../ast/nodes.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import type { Span } from '../diagnostics/span.ts';
import type { BlockSpec, SlotSpec } from '../schema/catalog.ts';
import { EXPERIMENT } from '../schema/catalog.ts';
import { bodySpec, memberNames, slotOf } from './spec.ts';
import { isRemoval, kindOnly, mergeEntry, type Origin, type TreeBlock, type TreeEntry } from './tree.ts';
import { valueToJson } from '../ast/json.ts';

/** A warning about the attribute at `path` (RK0808), moot when the same overrides set that path. */
export interface PathWarning { path: string; diagnostic: Diagnostic }

export type Applied = { ok: true; tree: TreeBlock; warnings?: PathWarning[] } | { ok: false; diagnostic: Diagnostic };

function unknownSegment(segment: Name, spec: BlockSpec | null, where: string): Applied {
  const names = spec ? memberNames(spec) : [];
  const suggestion = didYouMean(segment.text, names);
  const notes = !suggestion && names.length ? [`${where} has: ${names.join(', ')}`] : [];
  return { ok: false, diagnostic: diagnostic('error', 'RK0801', `unknown path segment '${segment.text}' in ${where}`, segment.span, { suggestion, notes }) };
}

/**
 * The block an absent slot stands for, so that a path into it changes the effective value:
 * `--set eval.knn.k=5` on an experiment without `eval` keeps the default linear and collapse.
 */
function defaultBlock(name: Name, slot: SlotSpec, origin: Origin): TreeBlock {
  const empty = (n: Name, kind: Name | null): TreeBlock => ({ name: n, kind, span: n.span, origin, attributes: new Map(), blocks: new Map() });
  if (typeof slot.absent !== 'object') return empty(name, null);
  const block = empty(name, slot.absent.kind ? { text: slot.absent.kind, span: name.span } : null);
  for (const child of slot.absent.children ?? []) block.blocks.set(child, empty({ text: child, span: name.span }, null));
  return block;
}

/**
 * RK0808: switching a block to another kind keeps the attributes written for the old one that the
 * new kind also has. When the two kinds default that attribute differently, it means something
 * kind-specific (rekd's temperature 0.1 against compress's 0.04), and a written value other than
 * the new kind's default was probably meant for the old kind only.
 */
function keptAcrossKinds(existing: TreeEntry | undefined, kind: string, slot: SlotSpec, slotPath: string, span: Span): PathWarning[] {
  if (!existing || isRemoval(existing) || !existing.kind || existing.kind.text === kind) return [];
  const before = bodySpec(slot, existing.kind.text);
  const after = bodySpec(slot, kind);
  if (!before || !after) return [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return [...existing.attributes.values()]
    .filter((a) => a.origin !== 'default' && Object.hasOwn(after.attributes, a.name.text) && Object.hasOwn(before.attributes, a.name.text))
    .filter((a) => {
      const [old, now] = [before.attributes[a.name.text].default, after.attributes[a.name.text].default];
      return !same(old, now) && !same(valueToJson(a.value), now);
    })
    .map((a) => ({
      path: `${slotPath}.${a.name.text}`,
      diagnostic: diagnostic('warning', 'RK0808',
        `switching ${slotPath} from ${existing.kind!.text} to ${kind} keeps its ${a.name.text} = ${JSON.stringify(valueToJson(a.value))}`,
        span, { notes: [`the defaults differ: ${kind} ${JSON.stringify(after.attributes[a.name.text].default)}, ${existing.kind!.text} ${JSON.stringify(before.attributes[a.name.text].default)}; set ${slotPath}.${a.name.text} along with the switch to say which you mean`] }),
    }));
}

/** `above`: the path segments already walked, for messages that name the whole path. */
function setPath(block: TreeBlock, spec: BlockSpec | null, segments: Name[], value: ValueNode, span: Span, origin: Origin, where: string,
  above: string[] = []): Applied {
  const [head, ...rest] = segments;
  const slot = slotOf(spec, head.text);
  if (rest.length === 0) {
    if (!slot) {
      if (spec && !Object.hasOwn(spec.attributes, head.text)) return unknownSegment(head, spec, where);
      const attributes = new Map(block.attributes).set(head.text, { name: head, value, span, origin });
      return { ok: true, tree: { ...block, attributes } };
    }
    if (value.type === 'none') {
      return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(head.text, { removed: true, name: head, span, origin }) } };
    }
    if (value.type !== 'identifier' || slot.form !== 'kinded') {
      const expected = slot.form === 'kinded' ? `a kind (${Object.keys(slot.kinds).join(', ')}) or none` : 'none';
      return { ok: false, diagnostic: diagnostic('error', 'RK0801', `'${segments.map((s) => s.text).join('.')}' is a block: its value must be ${expected}`, value.span) };
    }
    const replacement = kindOnly(head, { text: value.value, span: value.span }, span, origin);
    const existing = block.blocks.get(head.text);
    const merged = mergeEntry(existing, replacement, slot);
    const warnings = keptAcrossKinds(existing, value.value, slot, [...above, head.text].join('.'), value.span);
    return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(head.text, merged) }, ...(warnings.length ? { warnings } : {}) };
  }
  if (!slot) return unknownSegment(head, spec, where);
  const existing = block.blocks.get(head.text);
  const child: TreeBlock = existing && !isRemoval(existing) ? existing : defaultBlock(head, slot, existing ? origin : 'default');
  const childSpec = bodySpec(slot, child.kind?.text ?? null);
  const childWhere = child.kind ? `${head.text} ${child.kind.text}` : head.text;
  const applied = setPath(child, childSpec, rest, value, span, origin, childWhere, [...above, head.text]);
  if (!applied.ok) return applied;
  return { ...applied, tree: { ...block, blocks: new Map(block.blocks).set(head.text, applied.tree) } };
}

/** A new tree with `path = value` applied (the tree itself is left unchanged). */
export function applyPath(tree: TreeBlock, path: PathNode, value: ValueNode, span: Span, origin: Origin): Applied {
  return setPath(tree, EXPERIMENT, path.segments, value, span, origin, `experiment '${tree.name.text}'`);
}
