/**
 * The one walk of a dotted path (`loss.relation.temperature`) over the catalog: block slots, then
 * at most one attribute. Overrides and grid cells walk it beside a tree (a slot leads into the kind
 * the tree holds there); `where` conditions walk the catalog alone (a kinded slot leads into every
 * kind, as a condition reads every cell).
 */
import type { Name, PathNode } from '../ast/nodes.ts';
import { EXPERIMENT, type AttributeSpec, type BlockSpec, type SlotSpec, type ValueType } from '../schema/catalog.ts';
import { bodySpec, memberNames } from './spec.ts';

/** Where a walk stops. */
export type PathEnd =
  | { type: 'attribute'; attribute: AttributeSpec }
  | { type: 'block'; slot: SlotSpec }
  /** `segments[index]` is no member of `specs`, the blocks it was looked up in (none when their kind is unknown). */
  | { type: 'unknown'; index: number; specs: readonly BlockSpec[] }
  /** `segments[index]` follows an attribute. */
  | { type: 'past-attribute'; index: number };

/**
 * Walks `segments` from the experiment. `enter(slot, index)` gives the blocks that the slot named
 * by `segments[index]` leads into, the next segment being looked up in any of them.
 */
export function walkPath(segments: readonly Name[], enter: (slot: SlotSpec, index: number) => readonly BlockSpec[]): PathEnd {
  let specs: readonly BlockSpec[] = [EXPERIMENT];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const attribute = specs.find((s) => Object.hasOwn(s.attributes, segment.text))?.attributes[segment.text];
    if (attribute) return last ? { type: 'attribute', attribute } : { type: 'past-attribute', index: index + 1 };
    const slot = specs.find((s) => Object.hasOwn(s.slots, segment.text))?.slots[segment.text];
    if (!slot) return { type: 'unknown', index, specs };
    if (last) return { type: 'block', slot };
    specs = enter(slot, index);
  }
  throw new Error('internal: a path has at least one segment');
}

export type PathTarget =
  | { type: 'attribute'; value: ValueType }
  | { type: 'block'; slot: SlotSpec }
  /** `segment` is not a member of `where` (which has `members`). */
  | { type: 'unknown'; segment: Name; where: string; members: string[] };

/** The blocks a slot may hold: one per kind of a kinded slot. */
const slotBodies = (slot: SlotSpec): BlockSpec[] =>
  slot.form === 'kinded' ? [...new Set(Object.values(slot.kinds))] : [bodySpec(slot, null)!];

/** What `path` names in the catalog, in a block of any kind: an attribute (with its type), a block slot, or an unknown segment. */
export function pathTarget(path: PathNode): PathTarget {
  const { segments } = path;
  const quoted = (count: number) => `'${segments.slice(0, count).map((s) => s.text).join('.')}'`;
  const end = walkPath(segments, slotBodies);
  switch (end.type) {
    case 'attribute': return { type: 'attribute', value: end.attribute.type };
    case 'block': return end;
    case 'unknown': {
      const where = end.index === 0 ? 'the experiment' : quoted(end.index);
      return { type: 'unknown', segment: segments[end.index], where, members: [...new Set(end.specs.flatMap(memberNames))] };
    }
    case 'past-attribute': return { type: 'unknown', segment: segments[end.index], where: `${quoted(end.index)} (an attribute)`, members: [] };
  }
}
