/** Plain JSON of a written value, for grid cell labels and explain output. */
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
