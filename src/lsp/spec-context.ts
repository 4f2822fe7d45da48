/** The catalog spec of a block written inside another, and of a grid path: what completion and hover look names up in. */
import type { Name } from '../ast/nodes.ts';
import { EXPERIMENT, type AttributeSpec, type BlockSpec, type SlotSpec } from '../schema/catalog.ts';
import { walkPath } from '../tree/catalog-path.ts';
import { bodySpec, slotKey, slotOf } from '../tree/spec.ts';

export interface ChildBlock {
  /** The slot key (`augment_weak` for `augment weak`), a segment of value paths. */
  key: string;
  slot: SlotSpec | null;
  /** The body's spec; null when the slot or its kind is unknown. */
  spec: BlockSpec | null;
  /** The kind word was a variant (`weak`), not a kind. */
  variant: boolean;
}

/** The block `name [kind]` written in a block of `parent`. */
export function childBlock(parent: BlockSpec | null, name: string, kind: string | null): ChildBlock {
  if (!parent) return { key: name, slot: null, spec: null, variant: false };
  const { key, variant } = slotKey(parent, name, kind);
  const slot = slotOf(parent, key);
  return { key, slot, variant, spec: slot && bodySpec(slot, variant ? null : kind) };
}

/** The blocks a slot may hold, every kind of a kinded one (a grid path reads any cell). */
const slotBodies = (slot: SlotSpec): BlockSpec[] =>
  slot.form === 'kinded' ? [...new Set(Object.values(slot.kinds))] : [bodySpec(slot, null)!];

export type PathMember =
  | { type: 'attribute'; attribute: AttributeSpec }
  | { type: 'block'; slot: SlotSpec }
  | null;

/** What a dotted grid path names, walked from the experiment. */
export function pathMember(segments: readonly Name[]): PathMember {
  const end = walkPath(segments, slotBodies);
  if (end.type === 'attribute') return { type: 'attribute', attribute: end.attribute };
  if (end.type === 'block') return end;
  return null;
}

/** The blocks whose members may follow the dotted `prefix` (`loss.`: the loss block). */
export function pathPrefixSpecs(prefix: readonly string[]): BlockSpec[] {
  let specs: BlockSpec[] = [EXPERIMENT];
  for (const segment of prefix) {
    const slot = specs.find((s) => Object.hasOwn(s.slots, segment))?.slots[segment];
    if (!slot) return [];
    specs = slotBodies(slot);
  }
  return specs;
}
