/** RK0301: a value of the wrong type (`seed = "7"`, `backend = gpu`). */
import { valueRule } from './value-problems.ts';

export const valueType = valueRule('RK0301', 'type');
