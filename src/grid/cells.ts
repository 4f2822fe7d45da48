/**
 * How a grid's cells read: how each differs from the grid's base experiment and its values as the
 * language writes them. (Where a cell runs and its state are a run's: src/runs/directory.ts.)
 */
import type { GridCell, JsonValue, ResolvedExperiment } from '../compiler.ts';
import { pathValues } from '../resolve/resolved-paths.ts';

export interface Difference { path: string; base: JsonValue | undefined; cell: JsonValue | undefined }

/**
 * Every resolved value in which `cell` differs from `base` (the name excepted). A removed block
 * is one difference (`teacher resnet18 -> none`), not one per attribute it had; an added block
 * shows the attributes it brings.
 */
export function differences(base: ResolvedExperiment, cell: ResolvedExperiment): Difference[] {
  const a = pathValues({ ...base, name: undefined });
  const b = pathValues({ ...cell, name: undefined });
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
