/** The JSON Schema of a resolved experiment, derived from the catalog (draft 2020-12 subset ajv reads). */
import { EXPERIMENT, type BlockSpec, type SlotSpec, type ValueType } from './catalog.ts';
import { discriminant, isNullable, slotShapes } from './shapes.ts';

type Json = Record<string, unknown>;

function numberSchema(type: { min?: number; max?: number; gt?: number; lt?: number }, integer: boolean): Json {
  const schema: Json = { type: integer ? 'integer' : 'number' };
  if (type.min !== undefined) schema.minimum = type.min;
  if (type.max !== undefined) schema.maximum = type.max;
  if (type.gt !== undefined) schema.exclusiveMinimum = type.gt;
  if (type.lt !== undefined) schema.exclusiveMaximum = type.lt;
  return schema;
}

function valueSchema(type: ValueType): Json {
  switch (type.t) {
    case 'int': return numberSchema(type, true);
    case 'number': return numberSchema(type, false);
    case 'bool': return { type: 'boolean' };
    case 'string': case 'path': return { type: 'string' };
    case 'enum': return { enum: [...type.values] };
    case 'range': {
      const end = numberSchema(type, false);
      return { type: 'array', prefixItems: [end, end], minItems: 2, maxItems: 2 };
    }
    case 'int_list': return { type: 'array', items: numberSchema(type, true) };
    case 'count_or_all': return { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'all' }] };
  }
}

const nullable = (schema: Json): Json => ({ anyOf: [schema, { type: 'null' }] });

/** Builds block schemas once each, under `$defs` by type name, and refers to them. */
class SchemaBuilder {
  readonly defs: Record<string, Json> = {};

  block(spec: BlockSpec, tag: { field: string; names: string[] } | null): Json {
    const properties: Record<string, Json> = {};
    if (tag) properties[tag.field] = { enum: tag.names };
    for (const [name, attribute] of Object.entries(spec.attributes)) {
      properties[name] = isNullable(attribute) ? nullable(valueSchema(attribute.type)) : valueSchema(attribute.type);
    }
    for (const [name, slot] of Object.entries(spec.slots)) {
      properties[name] = slot.absent === 'null' ? nullable(this.slot(slot)) : this.slot(slot);
    }
    return { type: 'object', description: spec.doc, properties, required: Object.keys(properties), additionalProperties: false };
  }

  private ref(spec: BlockSpec, tag: { field: string; names: string[] } | null): Json {
    if (!this.defs[spec.typeName]) {
      this.defs[spec.typeName] = {};
      this.defs[spec.typeName] = this.block(spec, tag);
    }
    return { $ref: `#/$defs/${spec.typeName}` };
  }

  private slot(slot: SlotSpec): Json {
    const field = discriminant(slot);
    const shapes = slotShapes(slot).map((s) => this.ref(s.spec, field ? { field, names: s.names } : null));
    const one = shapes.length === 1 ? shapes[0] : { oneOf: shapes };
    return slot.form === 'list' ? { type: 'array', items: one } : one;
  }
}

/** The JSON Schema every resolved experiment satisfies. */
export function experimentJsonSchema(): Json {
  const builder = new SchemaBuilder();
  const schema = builder.block(EXPERIMENT, null);
  (schema.properties as Record<string, Json>).name = { type: 'string' };
  (schema.required as string[]).unshift('name');
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://rekd.dev/schema/resolved-experiment.json',
    title: 'ResolvedExperiment',
    ...schema,
    $defs: builder.defs,
  };
}
