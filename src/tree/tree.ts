/**
 * The configuration tree of one experiment: its written blocks and attributes keyed by slot
 * name, before defaults. `extends`, `--set` overrides and grid cells all produce new trees from
 * old ones (trees are never mutated), so provenance and spans survive every step.
 */
import type { BodyNode, Name, ValueNode } from '../ast/nodes.ts';
import type { Span } from '../diagnostics/span.ts';
import type { BlockSpec, SlotSpec } from '../schema/catalog.ts';
import { bodySpec, slotKey, slotOf } from './spec.ts';

/** Where a value came from; `default` marks blocks an override filled in from their defaults. */
export type Origin = 'file' | 'override' | 'grid' | 'default';

/**
 * Where a resolved value came from: the tree entry that wrote it, or the catalog's default. The
 * experiment rules read it (which values were written, and where), so it is declared with the tree.
 */
export interface Provenance { source: 'default' | Origin; span: Span | null }
/** Provenance by value path of a resolved experiment (`loss.relation.temperature`). */
export type ProvenanceMap = Map<string, Provenance>;

export interface TreeAttribute { name: Name; value: ValueNode; span: Span; origin: Origin }
export interface TreeBlock {
  name: Name;
  /** The kind word; null for unkinded blocks and variants (`augment weak`). */
  kind: Name | null;
  span: Span;
  origin: Origin;
  attributes: Map<string, TreeAttribute>;
  blocks: Map<string, TreeEntry>;
  /** Written `name = KIND` (where `name = none` would remove the block instead). */
  assigned?: true;
}
/** `block = none`: removes an inherited block. */
export interface TreeRemoval { removed: true; name: Name; span: Span; origin: Origin }
export type TreeEntry = TreeBlock | TreeRemoval;

export const isRemoval = (entry: TreeEntry | undefined): entry is TreeRemoval => entry !== undefined && 'removed' in entry;

/** Builds the tree of a written body; `spec` (null when unknown) decides slot keys and removals. */
export function treeFromBody(name: Name, kind: Name | null, span: Span, body: BodyNode, spec: BlockSpec | null, origin: Origin): TreeBlock {
  const block: TreeBlock = { name, kind, span, origin, attributes: new Map(), blocks: new Map() };
  for (const member of body.members) {
    if (member.type === 'attribute') {
      const slot = slotOf(spec, member.name.text);
      if (member.value.type === 'none' && slot) {
        block.blocks.set(member.name.text, { removed: true, name: member.name, span: member.span, origin });
      } else if (member.value.type === 'identifier' && slot?.form === 'kinded') {
        // `student = mobilenetv2`: a kind change without attributes, as in grids and overrides.
        block.blocks.set(member.name.text, kindOnly(member.name, { text: member.value.value, span: member.value.span }, member.span, origin));
      } else {
        block.attributes.set(member.name.text, { name: member.name, value: member.value, span: member.span, origin });
      }
      continue;
    }
    const { key, variant } = spec ? slotKey(spec, member.name.text, member.kind?.text ?? null) : { key: member.name.text, variant: false };
    const childKind = variant ? null : member.kind;
    const slot = slotOf(spec, key);
    const childSpec = slot ? bodySpec(slot, childKind?.text ?? null) : null;
    block.blocks.set(key, treeFromBody(member.name, childKind, member.span, member.body, childSpec, origin));
  }
  return block;
}

/** A block that only names a kind (`student = mobilenetv2`). */
export function kindOnly(name: Name, kind: Name, span: Span, origin: Origin): TreeBlock {
  return { name, kind, span, origin, attributes: new Map(), blocks: new Map(), assigned: true };
}

/** Keeps only what a block of the new kind still accepts (a new kind keeps the valid attributes). */
function keepValid(block: TreeBlock, spec: BlockSpec | null): TreeBlock {
  if (!spec) return { ...block, attributes: new Map(), blocks: new Map() };
  const attributes = new Map([...block.attributes].filter(([name]) => Object.hasOwn(spec.attributes, name)));
  const blocks = new Map([...block.blocks].filter(([name]) => Object.hasOwn(spec.slots, name)));
  return { ...block, attributes, blocks };
}

/** Deep merge of `over` onto `base` in `slot` (null when the slot is unknown). */
export function mergeEntry(base: TreeEntry | undefined, over: TreeEntry, slot: SlotSpec | null): TreeEntry {
  if (base === undefined || isRemoval(base) || isRemoval(over)) return over;
  const kindChanged = over.kind !== null && base.kind !== null && over.kind.text !== base.kind.text;
  const spec = slot ? bodySpec(slot, (over.kind ?? base.kind)?.text ?? null) : null;
  const kept = kindChanged ? keepValid(base, slot ? spec : null) : base;
  return mergeBlocks(kept, over, spec);
}

/** Merges the members of `over` onto `base`; the result takes `over`'s name, span and origin. */
export function mergeBlocks(base: TreeBlock, over: TreeBlock, spec: BlockSpec | null): TreeBlock {
  const blocks = new Map(base.blocks);
  for (const [key, entry] of over.blocks) blocks.set(key, mergeEntry(blocks.get(key), entry, slotOf(spec, key)));
  return {
    name: over.name,
    kind: over.kind ?? base.kind,
    span: over.span,
    origin: over.origin,
    attributes: new Map([...base.attributes, ...over.attributes]),
    blocks,
    ...(over.assigned ? { assigned: true } : {}),
  };
}
