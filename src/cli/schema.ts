/** `rekdc schema`: prints the JSON Schema of a resolved experiment. */
import { experimentJsonSchema } from '../schema/json-schema.ts';

export function schema(): number {
  process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  return 0;
}
