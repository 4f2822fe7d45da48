/** RK0303: a range with its low end above its high end (`scale = 0.9 .. 0.2`). */
import { valueRule } from './value-problems.ts';

export const rangeOrder = valueRule('RK0303', 'order');
