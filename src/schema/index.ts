/** The schema of the language: catalog, derived types, JSON Schema and validation. */
export * from './types.generated.ts';
export { EXPERIMENT, BACKBONES, DATA_FACTS, DEFAULT_AUGMENT } from './catalog.ts';
export type { AttributeSpec, BlockSpec, SlotSpec, ValueType, Absent } from './catalog.ts';
export { experimentJsonSchema } from './json-schema.ts';
export { validateResolved } from './validate.ts';
