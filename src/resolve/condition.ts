/**
 * `where` conditions of grids: what a condition's path names in the catalog (for the checks) and
 * the condition's value on a cell's resolved experiment (for expansion).
 */
import { valueToJson, type JsonValue } from '../ast/json.ts';
import type { ComparisonOperator, ConditionNode, GridNode, Name, PathNode } from '../ast/nodes.ts';
import { EXPERIMENT, type BlockSpec, type SlotSpec, type ValueType } from '../schema/catalog.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { bodySpec, memberNames } from '../tree/spec.ts';

export type PathTarget =
  | { type: 'attribute'; value: ValueType }
  | { type: 'block'; slot: SlotSpec }
  /** `segment` is not a member of `where` (which has `members`). */
  | { type: 'unknown'; segment: Name; where: string; members: string[] };

/** The blocks a slot may hold: one per kind of a kinded slot (a path may go into any of them). */
const slotBodies = (slot: SlotSpec): BlockSpec[] =>
  slot.form === 'kinded' ? [...new Set(Object.values(slot.kinds))] : [bodySpec(slot, null)!];

/** What `path` names: an attribute (with its type), a block slot, or an unknown segment. */
export function pathTarget(path: PathNode): PathTarget {
  let specs: BlockSpec[] = [EXPERIMENT];
  let where = 'the experiment';
  for (const [i, segment] of path.segments.entries()) {
    const last = i === path.segments.length - 1;
    const here = `'${path.segments.slice(0, i + 1).map((s) => s.text).join('.')}'`;
    const attribute = specs.find((s) => Object.hasOwn(s.attributes, segment.text))?.attributes[segment.text];
    if (attribute) {
      if (last) return { type: 'attribute', value: attribute.type };
      return { type: 'unknown', segment: path.segments[i + 1], where: `${here} (an attribute)`, members: [] };
    }
    const slot = specs.find((s) => Object.hasOwn(s.slots, segment.text))?.slots[segment.text];
    if (!slot) return { type: 'unknown', segment, where, members: [...new Set(specs.flatMap(memberNames))] };
    if (last) return { type: 'block', slot };
    specs = slotBodies(slot);
    where = here;
  }
  throw new Error('internal: a path has at least one segment');
}

/** Every comparison of a condition, in written order. */
export function comparisons(condition: ConditionNode): Array<Extract<ConditionNode, { type: 'compare' }>> {
  switch (condition.type) {
    case 'compare': return [condition];
    case 'not': return comparisons(condition.operand);
    case 'and': case 'or': return condition.operands.flatMap(comparisons);
  }
}

/**
 * The value a path reads in a resolved experiment, as a condition compares it: a kinded block is
 * its kind, an absent block (or an empty augment list) `none`, an augment op found by its name.
 */
export function readPath(experiment: ResolvedExperiment, segments: readonly string[]): JsonValue {
  let current: unknown = experiment;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return null;
    current = Array.isArray(current)
      ? current.find((item: { op?: string }) => item?.op === segment) ?? null
      : (current as Record<string, unknown>)[segment] ?? null;
  }
  if (Array.isArray(current) && current.some((item) => typeof item === 'object')) return current.length ? 'present' : null;
  if (current !== null && typeof current === 'object') return 'kind' in current ? (current as { kind: string }).kind : 'present';
  return current as JsonValue;
}

const equal = (a: JsonValue, b: JsonValue): boolean => JSON.stringify(a) === JSON.stringify(b);

function compare(left: JsonValue, operator: ComparisonOperator, right: JsonValue): boolean {
  if (operator === '==') return equal(left, right);
  if (operator === '!=') return !equal(left, right);
  // Order comparisons hold between numbers only (the checks reject other literals).
  if (typeof left !== 'number' || typeof right !== 'number') return false;
  switch (operator) {
    case '<': return left < right;
    case '<=': return left <= right;
    case '>': return left > right;
    case '>=': return left >= right;
  }
}

export function evaluateCondition(condition: ConditionNode, experiment: ResolvedExperiment): boolean {
  switch (condition.type) {
    case 'compare':
      return compare(readPath(experiment, condition.path.segments.map((s) => s.text)), condition.operator, valueToJson(condition.value));
    case 'not': return !evaluateCondition(condition.operand, experiment);
    case 'and': return condition.operands.every((c) => evaluateCondition(c, experiment));
    case 'or': return condition.operands.some((c) => evaluateCondition(c, experiment));
  }
}

/** Whether a cell is kept: every `where` of the grid holds (a grid without one keeps all). */
export function keepsCell(grid: GridNode, experiment: ResolvedExperiment): boolean {
  return grid.items.every((item) => item.type !== 'where' || evaluateCondition(item.condition, experiment));
}
