/**
 * How a grid's cells read: how each differs from the grid's base experiment and its values as the
 * language writes them. (Where a cell runs and its state are a run's: src/runs/directory.ts.)
 */
import type { GridCell, JsonValue, ResolvedExperiment } from '../compiler.ts';

/**
 * Leaves of a resolved experiment by path as the language writes them: a kinded block's kind at
 * the block's path (`student = mobilenetv2`), an absent block as `none`, augment ops by name.
 */
export function flattenExperiment(value: unknown, prefix = ''): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  const visit = (v: unknown, at: string) => {
    const join = (key: string) => (at ? `${at}.${key}` : key);
    if (Array.isArray(v) && v.every((item) => item && typeof item === 'object' && 'op' in item)) {
      if (v.length === 0) out.set(at, null);
      for (const item of v as Array<Record<string, unknown>>) {
        const { op, ...rest } = item;
        out.set(join(String(op)), 'present');
        for (const [key, inner] of Object.entries(rest)) visit(inner, join(`${String(op)}.${key}`));
      }
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const { kind, ...rest } = v as Record<string, unknown>;
      if (kind !== undefined) out.set(at, kind as string);
      for (const [key, inner] of Object.entries(rest)) visit(inner, join(key));
    } else {
      out.set(at, v as JsonValue);
    }
  };
  visit(value, prefix);
  return out;
}

export interface Difference { path: string; base: JsonValue | undefined; cell: JsonValue | undefined }

/**
 * Every resolved value in which `cell` differs from `base` (the name excepted). A removed block
 * is one difference (`teacher resnet18 -> none`), not one per attribute it had; an added block
 * shows the attributes it brings.
 */
export function differences(base: ResolvedExperiment, cell: ResolvedExperiment): Difference[] {
  const a = flattenExperiment({ ...base, name: undefined });
  const b = flattenExperiment({ ...cell, name: undefined });
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  const changed = paths.filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)));
  const removed = changed.filter((p) => b.get(p) === null);
  return changed
    .filter((p) => !removed.some((r) => p.startsWith(`${r}.`)) && !(a.get(p) === null && b.get(p) === undefined))
    .map((p) => ({ path: p, base: a.get(p), cell: b.get(p) }));
}

/** A value as the language writes it (`none`, `0.2 .. 1`, names bare). */
export function valueLabel(value: JsonValue | undefined): string {
  if (value === undefined) return '-';
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length === 2 && value.every((v) => typeof v === 'number') ? `${value[0]} .. ${value[1]}` : `[${value.map(valueLabel).join(', ')}]`;
  return String(value);
}

/** `path = value, ...` of a cell's varied values, for messages. */
export const cellLabel = (cell: GridCell): string =>
  Object.entries(cell.values).map(([p, v]) => `${p} = ${valueLabel(v)}`).join(', ');
