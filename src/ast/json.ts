/** Written values as plain JSON (grid cell values) and as text (messages). */
import type { MemberNode, ValueNode } from './nodes.ts';

export type JsonValue = number | string | boolean | null | JsonValue[];

export function valueToJson(value: ValueNode): JsonValue {
  switch (value.type) {
    case 'number': case 'string': case 'bool': case 'identifier': return value.value;
    case 'none': case 'invalid': return null;
    case 'range': return [value.low, value.high];
    case 'list': return value.items.map(valueToJson);
    // A block a cell adds is named by its text in the cell's values (`{}`, `{ weight = 0.5 }`).
    case 'block': return valueText(value);
  }
}

/** A written value as the language spells it, for messages. */
export function valueText(value: ValueNode): string {
  switch (value.type) {
    case 'number': case 'bool': case 'identifier': return String(value.value);
    case 'string': return JSON.stringify(value.value);
    case 'none': return 'none';
    case 'invalid': return '?';
    case 'range': return `${value.low} .. ${value.high}`;
    case 'list': return `[${value.items.map(valueText).join(', ')}]`;
    case 'block': return value.body.members.length ? `{ ${value.body.members.map(memberText).join(', ')} }` : '{}';
  }
}

function memberText(member: MemberNode): string {
  if (member.type === 'attribute') return `${member.name.text} = ${valueText(member.value)}`;
  const kind = member.kind ? ` ${member.kind.text}` : '';
  return `${member.name.text}${kind} ${valueText({ type: 'block', body: member.body, span: member.span })}`;
}
