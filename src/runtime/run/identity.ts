/**
 * What makes two runs the same run: the resolved experiment less `threads` and `name`. The native
 * kernels give the same bits at any thread count (test/runtime/native.test.ts), so a run resumes,
 * and keeps its id, whatever thread count it is given; the name computes nothing, so experiments
 * with the same settings under other names (a grid's cell equal to its base) share an id and one
 * run's results serve the other (runs/reuse.ts).
 */
export function runIdentity<T>(resolved: T): T {
  if (resolved === null || typeof resolved !== 'object' || Array.isArray(resolved)) return resolved;
  const { threads: _threads, name: _name, ...identity } = resolved as Record<string, unknown>;
  return identity as T;
}

/** JSON with object keys sorted, so equal settings always give the same text (hashes, comparisons). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner);
}
