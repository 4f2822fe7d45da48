/**
 * The experiment rules of an experiment with errors run on its valid values only: a rule that
 * reads a value in error (or under one) stops there and reports nothing more, since its input is
 * unknown, while every rule whose inputs are all valid runs as on a clean experiment.
 */

/** Thrown by a guarded read of a value in error; ends the rule that read it. */
export class UnknownInput extends Error {
  constructor(readonly path: string) {
    super(`rule input '${path}' has an error`);
  }
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** `path` and its parents, nearest first: `a.b.c`, `a.b`, `a`. */
export function* pathAndParents(path: string): Generator<string> {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') yield p;
}

const isUnder = (path: string, unknown: ReadonlySet<string>): boolean => [...pathAndParents(path)].some((p) => unknown.has(p));

/** A list item (augmentations) is named by its op, as in value paths: `augment.color_jitter`. */
const opOf = (value: unknown): string | null =>
  value !== null && typeof value === 'object' && typeof (value as { op?: unknown }).op === 'string' ? (value as { op: string }).op : null;

/** `value` (at `path`), read through a view that throws UnknownInput on reading any path in `unknown` or under it. */
export function guardInputs<T>(value: T, unknown: ReadonlySet<string>, path = ''): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const result: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return result;
      const op = Array.isArray(target) ? opOf(result) : null;
      // An array's length, methods and plain elements belong to the array's own path.
      const child = Array.isArray(target) ? (op === null ? null : join(path, op)) : join(path, key);
      if (child === null) return result;
      if (isUnder(child, unknown)) throw new UnknownInput(child);
      return guardInputs(result, unknown, child);
    },
  }) as T;
}
