/** Written values as plain JSON (grid cell values) and as text (messages). */
import type { ValueNode } from './nodes.ts';

export type JsonValue = number | string | boolean | null | JsonValue[];

export function valueToJson(value: ValueNode): JsonValue {
  switch (value.type) {
    case 'number': case 'string': case 'bool': case 'identifier': return value.value;
    case 'none': case 'invalid': return null;
    case 'range': return [value.low, value.high];
    case 'list': return value.items.map(valueToJson);
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
  }
}
