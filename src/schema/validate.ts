/**
 * Validation of resolved experiments against the catalog's JSON Schema, by the ajv validator
 * generated ahead of time (validator.generated.ts), so no schema is compiled at start-up.
 */
import { validate } from './validator.generated.ts';

interface AjvError { instancePath: string; message?: string }
const validator = validate as ((value: unknown) => boolean) & { errors?: AjvError[] | null };

/** Returns the schema violations of `value` as readable lines (empty when it is valid). */
export function validateResolved(value: unknown): string[] {
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
