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
import { isRemoval, kindOnly, mergeEntry, type Origin, type TreeBlock } from './tree.ts';

export type Applied = { ok: true; tree: TreeBlock } | { ok: false; diagnostic: Diagnostic };

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

function setPath(block: TreeBlock, spec: BlockSpec | null, segments: Name[], value: ValueNode, span: Span, origin: Origin, where: string): Applied {
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
    const merged = mergeEntry(block.blocks.get(head.text), replacement, slot);
    return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(head.text, merged) } };
  }
  if (!slot) return unknownSegment(head, spec, where);
  const existing = block.blocks.get(head.text);
  const child: TreeBlock = existing && !isRemoval(existing) ? existing : defaultBlock(head, slot, existing ? origin : 'default');
  const childSpec = bodySpec(slot, child.kind?.text ?? null);
  const childWhere = child.kind ? `${head.text} ${child.kind.text}` : head.text;
  const applied = setPath(child, childSpec, rest, value, span, origin, childWhere);
  if (!applied.ok) return applied;
  return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(head.text, applied.tree) } };
}

/** A new tree with `path = value` applied (the tree itself is left unchanged). */
export function applyPath(tree: TreeBlock, path: PathNode, value: ValueNode, span: Span, origin: Origin): Applied {
  return setPath(tree, EXPERIMENT, path.segments, value, span, origin, `experiment '${tree.name.text}'`);
}
