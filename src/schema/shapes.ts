/**
 * Shapes the resolved experiment takes, derived from the catalog: shared by the TypeScript type
 * generator and the JSON Schema builder so both read the catalog the same way.
 */
import type { AttributeSpec, BlockSpec, SlotSpec } from './catalog.ts';

/** Kinds sharing one BlockSpec form one resolved shape with `kind` in their union of names. */
export function groupKinds(kinds: Record<string, BlockSpec>): Array<{ spec: BlockSpec; names: string[] }> {
  const groups = new Map<BlockSpec, string[]>();
  for (const [name, spec] of Object.entries(kinds)) {
    const names = groups.get(spec) ?? [];
    names.push(name);
    groups.set(spec, names);
  }
  return [...groups].map(([spec, names]) => ({ spec, names }));
}

/** The discriminant field of a slot's blocks: `kind` for kinded slots, `op` for list items. */
export function discriminant(slot: SlotSpec): 'kind' | 'op' | null {
  return slot.form === 'kinded' ? 'kind' : slot.form === 'list' ? 'op' : null;
}

/** The blocks a slot may hold, grouped by shared spec, with their discriminant values. */
export function slotShapes(slot: SlotSpec): Array<{ spec: BlockSpec; names: string[] }> {
  if (slot.form === 'single') return [{ spec: slot.body, names: [] }];
  return groupKinds(slot.form === 'kinded' ? slot.kinds : slot.items);
}

export function isNullable(attribute: AttributeSpec): boolean {
  return attribute.default === null;
}

export const pascal = (name: string): string => name.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
