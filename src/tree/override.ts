/**
 * Applies `path = value` to a tree: `--set` overrides and grid cells. A path names slots then an
 * attribute (`loss.relation.temperature`); on a block slot the value is a kind (`student =
 * mobilenetv2`), `none`, or a block `{ members }` (addBlock). Unknown paths are RK0801 with
 * did-you-mean.
 */
import type { Name, PathNode, ValueNode } from '../ast/nodes.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import type { Span } from '../diagnostics/span.ts';
import { EXPERIMENT, type BlockSpec, type SlotSpec } from '../schema/catalog.ts';
import { walkPath } from './catalog-path.ts';
import { bodySpec, memberNames } from './spec.ts';
import { isRemoval, kindOnly, mergeEntry, treeFromBody, type Origin, type TreeBlock, type TreeEntry } from './tree.ts';
import { valueToJson } from '../ast/json.ts';

/** A warning about the attribute at `path` (RK0808), moot when the same overrides set that path. */
export interface PathWarning { path: string; diagnostic: Diagnostic }

export type Applied = { ok: true; tree: TreeBlock; warnings?: PathWarning[] } | { ok: false; diagnostic: Diagnostic };

function unknownSegment(segment: Name, spec: BlockSpec | null, where: string): Applied {
  const names = spec ? memberNames(spec) : [];
  const suggestion = didYouMean(segment.text, names);
  const notes = !suggestion && names.length ? [`${where} has: ${names.join(', ')}`] : [];
  return { ok: false, diagnostic: diagnostic('RK0801', `unknown path segment '${segment.text}' in ${where}`, segment.span, { suggestion, notes }) };
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
      diagnostic: diagnostic('RK0808',
        `switching ${slotPath} from ${existing.kind!.text} to ${kind} keeps its ${a.name.text} = ${JSON.stringify(valueToJson(a.value))}`,
        span, { notes: [`the defaults differ: ${kind} ${JSON.stringify(after.attributes[a.name.text].default)}, ${existing.kind!.text} ${JSON.stringify(before.attributes[a.name.text].default)}; set ${slotPath}.${a.name.text} along with the switch to say which you mean`] }),
    }));
}

/**
 * `block` (the last block the path walked into) with `segment = value` applied: to the block slot
 * `slot`, or to an attribute when `slot` is null.
 */
function setMember(block: TreeBlock, segment: Name, slot: SlotSpec | null, value: ValueNode, span: Span, origin: Origin, path: string): Applied {
  if (!slot && value.type === 'block') {
    return { ok: false, diagnostic: diagnostic('RK0813', `'${path}' is an attribute: a block \`{ ... }\` is a value of a block path only`, value.span) };
  }
  if (!slot) {
    const attributes = new Map(block.attributes).set(segment.text, { name: segment, value, span, origin });
    return { ok: true, tree: { ...block, attributes } };
  }
  if (value.type === 'none') {
    return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(segment.text, { removed: true, name: segment, span, origin }) } };
  }
  if (value.type === 'block') return addBlock(block, segment, slot, value, span, origin, path);
  if (value.type !== 'identifier' || slot.form !== 'kinded') {
    const expected = slot.form === 'kinded' ? `a kind (${Object.keys(slot.kinds).join(', ')}) or none` : 'none';
    return { ok: false, diagnostic: diagnostic('RK0801', `'${path}' is a block: its value must be ${expected}`, value.span) };
  }
  const replacement = kindOnly(segment, { text: value.value, span: value.span }, span, origin);
  const existing = block.blocks.get(segment.text);
  const merged = mergeEntry(existing, replacement, slot);
  const warnings = keptAcrossKinds(existing, value.value, slot, path, value.span);
  return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(segment.text, merged) }, ...(warnings.length ? { warnings } : {}) };
}

/**
 * `path = { members }`: the block at `segment` with `members` merged onto it, added when the tree
 * has none there (`loss.supervised = {}` gives a cell the supervised term its base lacks). A
 * kinded block keeps the kind it has, so `teacher = {}` is the base's teacher; with no block to
 * take a kind from, the value must name one (RK0813).
 */
function addBlock(block: TreeBlock, segment: Name, slot: SlotSpec, value: Extract<ValueNode, { type: 'block' }>, span: Span, origin: Origin, path: string): Applied {
  const existing = block.blocks.get(segment.text);
  const present = existing && !isRemoval(existing) ? existing : undefined;
  if (slot.form === 'kinded' && !present?.kind) {
    return { ok: false, diagnostic: diagnostic('RK0813',
      `'${path}' has no block here to take a kind from: \`{ ... }\` keeps a kind, name one instead (${Object.keys(slot.kinds).join(', ')})`, value.span) };
  }
  const added = treeFromBody(segment, present?.kind ?? null, span, value.body, bodySpec(slot, present?.kind?.text ?? null), origin);
  return { ok: true, tree: { ...block, blocks: new Map(block.blocks).set(segment.text, mergeEntry(present, added, slot)) } };
}

/** A new tree with `path = value` applied (the tree itself is left unchanged). */
export function applyPath(tree: TreeBlock, path: PathNode, value: ValueNode, span: Span, origin: Origin): Applied {
  const { segments } = path;
  /** The blocks the walk went into, the experiment first, with their specs and the words naming them in messages. */
  const walked: Array<{ block: TreeBlock; spec: BlockSpec | null; where: string }> = [{ block: tree, spec: EXPERIMENT, where: `experiment '${tree.name.text}'` }];
  const end = walkPath(segments, (slot, index) => {
    const segment = segments[index];
    const existing = walked.at(-1)!.block.blocks.get(segment.text);
    const child = existing && !isRemoval(existing) ? existing : defaultBlock(segment, slot, existing ? origin : 'default');
    const spec = bodySpec(slot, child.kind?.text ?? null);
    walked.push({ block: child, spec, where: child.kind ? `${segment.text} ${child.kind.text}` : segment.text });
    return spec ? [spec] : [];
  });
  const { block, spec, where } = walked.at(-1)!;
  /** The first `count` segments, as written. */
  const pathText = (count: number) => segments.slice(0, count).map((s) => s.text).join('.');
  if (end.type === 'past-attribute') return unknownSegment(segments[end.index], null, `'${pathText(end.index)}' (an attribute)`);
  // A block of unknown or missing kind takes any attribute: its kind is the error (RK0202, RK0203), not its members.
  if (end.type === 'unknown' && (spec || end.index < segments.length - 1)) return unknownSegment(segments[end.index], spec, where);
  const applied = setMember(block, segments.at(-1)!, end.type === 'block' ? end.slot : null, value, span, origin, pathText(segments.length));
  if (!applied.ok) return applied;
  // Puts each changed block back into its parent, deepest first.
  let changed = applied.tree;
  for (let i = walked.length - 1; i > 0; i--) {
    const parent = walked[i - 1].block;
    changed = { ...parent, blocks: new Map(parent.blocks).set(segments[i - 1].text, changed) };
  }
  return { ...applied, tree: changed };
}
