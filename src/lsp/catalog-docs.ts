/** What the catalog says of a name, as Markdown: completion documentation and hover text share it. */
import type { AttributeSpec, BlockSpec, SlotSpec } from '../schema/catalog.ts';
import { describeType } from '../schema/convert.ts';
import { bounds, defaultText } from '../schema/reference.ts';

/** `name`: meaning, type with its range, default. */
export function attributeDoc(name: string, attribute: AttributeSpec): string {
  return [`**${name}**: ${attribute.doc}`, '', `type: ${describeType(attribute.type)}${bounds(attribute)}`, '', `default: ${defaultText(attribute)}`].join('\n');
}

/** A block slot: its meaning, form and whether it may be left out. */
export function slotDoc(name: string, slot: SlotSpec): string {
  const absent = slot.absent === 'required' ? 'required' : slot.absent === 'null' ? 'optional' : 'filled with defaults when omitted';
  const form = slot.form === 'kinded' ? `${name} KIND { ... }` : `${name} { ... }`;
  const kinds = slot.form === 'kinded' ? ['', `kinds: ${Object.keys(slot.kinds).join(', ')}`] : [];
  return [`**${form}**: ${slot.doc} (${absent})`, ...kinds].join('\n');
}

/** A kind (or list item) of a block: its meaning and attributes. */
export function kindDoc(name: string, spec: BlockSpec): string {
  const attributes = Object.keys(spec.attributes);
  return [`**${name}**: ${spec.doc}`, ...(attributes.length ? ['', `attributes: ${attributes.join(', ')}`] : [])].join('\n');
}
