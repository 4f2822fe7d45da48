/**
 * A resolved experiment read by dotted path, with values as the language writes them: a kinded
 * block is its kind (`student = mobilenetv2`), an absent block or an empty list `none`, an augment
 * op is found by its name (`augment.cutout`). `where` conditions read one path of a cell; grid
 * plans list every path to show how a cell differs from its base.
 */
import type { JsonValue } from '../ast/json.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';

/** What a path reads at a block without a kind, or at an augment op: it is there, not `none`. */
const PRESENT = 'present';

const isOpList = (value: unknown): value is Array<Record<string, unknown>> =>
  Array.isArray(value) && value.every((item) => item !== null && typeof item === 'object' && 'op' in item);

/**
 * A value seen from a path: its own value (undefined for an unkinded block and a non-empty op
 * list, which show only through their members) and its members by path segment.
 */
function view(value: unknown): { own: JsonValue | undefined; members: Array<[string, unknown]> } {
  if (isOpList(value)) return { own: value.length ? undefined : null, members: value.map((item) => [String(item.op), item]) };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { own: value as JsonValue | undefined, members: [] };
  const { kind, op, ...members } = value as Record<string, unknown>;
  return { own: kind !== undefined ? (kind as string) : op !== undefined ? PRESENT : undefined, members: Object.entries(members) };
}

/** The value at a path, as a `where` condition compares it; `none` where the path leads nowhere. */
export function readPath(experiment: ResolvedExperiment, segments: readonly string[]): JsonValue {
  let value: unknown = experiment;
  for (const segment of segments) {
    value = view(value).members.find(([name]) => name === segment)?.[1];
    if (value === undefined) return null;
  }
  const { own } = view(value);
  return own === undefined ? PRESENT : own;
}

/** Every path of an experiment that has a value of its own, with that value. */
export function pathValues(experiment: Partial<ResolvedExperiment>): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  const visit = (value: unknown, at: string) => {
    const { own, members } = view(value);
    if (own !== undefined) out.set(at, own);
    for (const [segment, member] of members) visit(member, at ? `${at}.${segment}` : segment);
  };
  visit(experiment, '');
  return out;
}
