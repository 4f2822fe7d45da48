/** `where` conditions of grids: a condition's value on a cell's resolved experiment. */
import { valueToJson, type JsonValue } from '../ast/json.ts';
import type { ComparisonOperator, ConditionNode, GridNode } from '../ast/nodes.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { readPath } from './resolved-paths.ts';

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
