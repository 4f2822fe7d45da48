/** RK0302: a value out of its range or not an integer (`temperature = 0`, `p = 1.5`, `prototypes = 2.5`). */
import { valueRule } from './value-problems.ts';

export const valueRange = valueRule('RK0302', 'range');
