/** Checks a written value against its catalog type and converts it to its resolved JSON form. */
import type { ValueNode } from '../ast/nodes.ts';
import type { Span } from '../diagnostics/span.ts';
import type { ValueType } from './catalog.ts';

export type Resolved = number | string | boolean | null | number[];
/** `type`: the value has the wrong form; `range`: out of bounds; `order`: a range with low > high. */
export type Problem = { category: 'type' | 'range' | 'order'; message: string; span: Span; suggestion?: string };
export type Converted = { ok: true; value: Resolved } | { ok: false; problem: Problem };

/** Human name of a type, for messages. */
export function describeType(type: ValueType): string {
  switch (type.t) {
    case 'int': return 'an integer';
    case 'number': return 'a number';
    case 'bool': return 'true or false';
    case 'string': return 'a string';
    case 'path': return 'a path string';
    case 'enum': return `one of ${type.values.join(', ')}`;
    case 'range': return 'a range `low .. high`';
    case 'int_list': return 'a list of integers';
    case 'count_or_all': return 'a count or `all`';
  }
}

const describeValue = (v: ValueNode): string => ({
  number: 'a number', string: 'a string', bool: 'a boolean', none: '`none`', identifier: `the name '${'value' in v ? v.value : ''}'`,
  range: 'a range', list: 'a list', block: 'a block `{ ... }`', invalid: 'an invalid value',
})[v.type];

function bounds(type: { min?: number; max?: number; gt?: number; lt?: number }): string {
  const parts: string[] = [];
  if (type.gt !== undefined) parts.push(`> ${type.gt}`);
  if (type.min !== undefined) parts.push(`>= ${type.min}`);
  if (type.lt !== undefined) parts.push(`< ${type.lt}`);
  if (type.max !== undefined) parts.push(`<= ${type.max}`);
  return parts.join(' and ');
}

function checkBounds(n: number, type: { min?: number; max?: number; gt?: number; lt?: number }, span: Span, what = ''): Problem | null {
  const bad = (type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max)
    || (type.gt !== undefined && n <= type.gt) || (type.lt !== undefined && n >= type.lt);
  return bad ? { category: 'range', message: `${what}must be ${bounds(type)}, found ${n}`, span } : null;
}

function integer(node: ValueNode & { type: 'number' }, type: { min?: number; max?: number }): Converted {
  if (!Number.isInteger(node.value)) return { ok: false, problem: { category: 'range', message: `must be an integer, found ${node.value}`, span: node.span } };
  const problem = checkBounds(node.value, type, node.span);
  if (problem) return { ok: false, problem };
  // Past 2^53 a double skips integers: `99999999999999999999` would silently read as 1e20.
  if (!Number.isSafeInteger(node.value)) {
    return { ok: false, problem: { category: 'range', message: `must be an integer within ±${Number.MAX_SAFE_INTEGER} (larger ones lose digits), found ${node.value}`, span: node.span } };
  }
  return { ok: true, value: node.value };
}

const mismatch = (node: ValueNode, type: ValueType, suggestion?: string): Converted =>
  ({ ok: false, problem: { category: 'type', message: `expected ${describeType(type)}, found ${describeValue(node)}`, span: node.span, ...(suggestion ? { suggestion } : {}) } });

/** `optional`: the attribute's default is `none`, so `none` may be written too (to undo an inherited value). */
export function convertValue(
  node: ValueNode, type: ValueType, didYouMean: (name: string, candidates: readonly string[]) => string | undefined, optional = false,
): Converted {
  if (node.type === 'invalid') return { ok: false, problem: { category: 'type', message: 'invalid value', span: node.span } };
  if (node.type === 'none' && optional) return { ok: true, value: null };
  switch (type.t) {
    case 'int':
      return node.type === 'number' ? integer(node, type) : mismatch(node, type);
    case 'number': {
      if (node.type !== 'number') return mismatch(node, type);
      const problem = checkBounds(node.value, type, node.span);
      return problem ? { ok: false, problem } : { ok: true, value: node.value };
    }
    case 'bool':
      if (node.type === 'bool') return { ok: true, value: node.value };
      return mismatch(node, type, node.type === 'identifier' ? didYouMean(node.value, ['true', 'false']) : undefined);
    case 'string': case 'path':
      return node.type === 'string' ? { ok: true, value: node.value } : mismatch(node, type);
    case 'enum': {
      const word = node.type === 'identifier' || node.type === 'string' ? node.value : null;
      if (word !== null && type.values.includes(word)) {
        return node.type === 'identifier' ? { ok: true, value: word } : mismatch(node, type, word);
      }
      return mismatch(node, type, word === null ? undefined : didYouMean(word, type.values));
    }
    case 'range': {
      if (node.type !== 'range') return mismatch(node, type);
      const problem = checkBounds(node.low, type, node.span, 'the low end ') ?? checkBounds(node.high, type, node.span, 'the high end ');
      if (problem) return { ok: false, problem };
      if (node.low > node.high) return { ok: false, problem: { category: 'order', message: `the range ${node.low} .. ${node.high} has its low end above its high end`, span: node.span } };
      return { ok: true, value: [node.low, node.high] };
    }
    case 'int_list': {
      if (node.type !== 'list') return mismatch(node, type);
      const values: number[] = [];
      for (const item of node.items) {
        if (item.type !== 'number') return mismatch(item, { t: 'int' });
        const converted = integer(item, type);
        if (!converted.ok) return converted;
        values.push(item.value);
      }
      return { ok: true, value: values };
    }
    case 'count_or_all':
      if (node.type === 'identifier' && node.value === 'all') return { ok: true, value: 'all' };
      if (node.type === 'number') return integer(node, { min: 1 });
      return mismatch(node, type, node.type === 'identifier' ? didYouMean(node.value, ['all']) : undefined);
  }
}
