/** Lookups in the catalog shared by building and editing trees, walking paths and the checks. */
import type { BlockSpec, SlotSpec } from '../schema/catalog.ts';

const listBodies = new Map<SlotSpec, BlockSpec>();

/** A list slot's body seen as a block whose children are the items (one `single` slot each). */
function listBody(slot: Extract<SlotSpec, { form: 'list' }>): BlockSpec {
  let body = listBodies.get(slot);
  if (!body) {
    const slots: Record<string, SlotSpec> = {};
    for (const [name, item] of Object.entries(slot.items)) slots[name] = { form: 'single', absent: 'null', doc: item.doc, body: item };
    body = { typeName: '', doc: slot.doc, attributes: {}, slots };
    listBodies.set(slot, body);
  }
  return body;
}

/** Whether `spec` is the body of a list slot (its children are the list's items). */
export function isListBody(spec: BlockSpec): boolean {
  return [...listBodies.values()].includes(spec);
}

/** The spec of a block in `slot` with `kind`; null when the kind is missing or unknown. */
export function bodySpec(slot: SlotSpec, kind: string | null): BlockSpec | null {
  switch (slot.form) {
    case 'single': return slot.body;
    case 'list': return listBody(slot);
    case 'kinded': return kind !== null && Object.hasOwn(slot.kinds, kind) ? slot.kinds[kind] : null;
  }
}

/**
 * The slot key a written block `name [kind]` fills: `augment weak { }` fills `augment_weak`.
 * Returns the key and whether the kind word was consumed by a variant.
 */
export function slotKey(spec: BlockSpec, name: string, kind: string | null): { key: string; variant: boolean } {
  if (kind !== null) {
    for (const [key, slot] of Object.entries(spec.slots)) {
      if (slot.form === 'list' && slot.variant?.base === name && slot.variant.word === kind) return { key, variant: true };
    }
  }
  return { key: name, variant: false };
}

export function slotOf(spec: BlockSpec | null, key: string): SlotSpec | null {
  return spec && Object.hasOwn(spec.slots, key) ? spec.slots[key] : null;
}

/** Every name a user may write in a block of `spec`: attributes and block slots. */
export function memberNames(spec: BlockSpec): string[] {
  return [...Object.keys(spec.attributes), ...Object.keys(spec.slots)];
}
