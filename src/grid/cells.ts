/**
 * How a grid's cells read: how each differs from the grid's base experiment and its values as the
 * language writes them. (Where a cell runs and its state are a run's: src/runs/directory.ts.)
 */
import type { GridCell, JsonValue, ProvenanceMap, ResolvedExperiment } from '../compiler.ts';
import { pathValues } from '../resolve/resolved-paths.ts';

export interface Difference { path: string; base: JsonValue | undefined; cell: JsonValue | undefined }

/** How a block without a kind reads (`loss.supervised none -> {}`): as a grid value adds it at its defaults. */
const UNKINDED_BLOCK = '{}';

/**
 * An experiment's values by path, as pathValues reads them plus every block without a kind (as
 * `{}`, before its members), and the paths that are blocks.
 */
function ownValues(experiment: ResolvedExperiment): { values: Map<string, JsonValue>; blocks: Set<string> } {
  const values = new Map<string, JsonValue>();
  const blocks = new Set<string>();
  for (const [path, value] of pathValues({ ...experiment, name: undefined })) {
    const segments = path.split('.');
    for (let i = 1; i < segments.length; i++) {
      const block = segments.slice(0, i).join('.');
      blocks.add(block);
      if (!values.has(block)) values.set(block, UNKINDED_BLOCK);
    }
    values.set(path, value);
  }
  return { values, blocks };
}

/**
 * Every resolved value in which `cell` differs from `base` (the name excepted). A block the cell
 * removes, adds or switches to another kind is one difference (`teacher resnet18 -> none`,
 * `loss.relation rekd -> seed`), followed only by the values in it that were written (by the grid,
 * the file or an override, as `provenance` says): the new block's defaults, and the old one's
 * attributes the new kind lacks, come with the switch and are not listed.
 */
export function differences(base: ResolvedExperiment, cell: ResolvedExperiment, provenance: ProvenanceMap): Difference[] {
  const a = ownValues(base);
  const b = ownValues(cell);
  const paths = [...new Set([...a.values.keys(), ...b.values.keys()])];
  const changed = paths.filter((p) => JSON.stringify(a.values.get(p)) !== JSON.stringify(b.values.get(p)));
  const replaced = changed.filter((p) => a.blocks.has(p) || b.blocks.has(p));
  const written = (p: string): boolean => b.values.has(p) && provenance.get(p)?.source !== 'default';
  return changed
    .filter((p) => written(p) || !replaced.some((r) => p.startsWith(`${r}.`)))
    .map((p) => ({ path: p, base: a.values.get(p), cell: b.values.get(p) }));
}

/** A difference's value as data (`rekdc plan --format json`): `null` when absent, `{}` for a block without a kind. */
export function differenceJson(value: JsonValue | undefined): JsonValue | Record<string, never> {
  if (value === undefined) return null;
  return value === UNKINDED_BLOCK ? {} : value;
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
