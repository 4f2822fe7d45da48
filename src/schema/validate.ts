/** ajv validation of resolved experiments against the catalog's JSON Schema (compiled once). */
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { experimentJsonSchema } from './json-schema.ts';
import type { ResolvedExperiment } from './types.generated.ts';

let validator: ValidateFunction | null = null;

/** Returns the schema violations of `value` as readable lines (empty when it is valid). */
export function validateResolved(value: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020.default({ allErrors: true, strict: true });
    validator = ajv.compile(experimentJsonSchema());
  }
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export function isResolvedExperiment(value: unknown): value is ResolvedExperiment {
  return validateResolved(value).length === 0;
}
