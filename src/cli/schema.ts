/** `rekdc schema`: prints the JSON Schema of a resolved experiment. */
import { experimentJsonSchema } from '../schema/json-schema.ts';
import { defineCommand } from './command.ts';

export const schema = defineCommand({
  name: 'schema',
  operands: '',
  count: [0, 0],
  summary: 'print the JSON Schema of a resolved experiment (what resolved.json and explain --format json hold)',
  options: {},
  run() {
    process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
    return 0;
  },
});
