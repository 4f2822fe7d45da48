/**
 * `data fashion_mnist { split = auto }` made concrete before a run id is computed: the id,
 * resolved.json and the program must all name the split the run will use, and `auto` can mean
 * either on another machine. Only a file-system probe (no download) decides.
 */
import type { CompiledGrid, ResolvedExperiment } from '../compiler.ts';
import { resolveFashionSplit } from '../runtime/data/fashion-files.ts';

/** Notes already printed: a grid's cells share one. */
const printed = new Set<string>();

export function withConcreteSplit(experiment: ResolvedExperiment): ResolvedExperiment {
  const data = experiment.data;
  if (data.kind !== 'fashion_mnist' || data.split !== 'auto') return experiment;
  const { split, note } = resolveFashionSplit(data.split, { path: data.path });
  if (note !== undefined && !printed.has(note)) {
    printed.add(note);
    process.stderr.write(`note: ${note}\n`);
  }
  return { ...experiment, data: { ...data, split } };
}

/** The grid with every cell's split (and its base's, which cells are compared with) made concrete. */
export function gridWithConcreteSplits(grid: CompiledGrid): CompiledGrid {
  return {
    ...grid,
    cells: grid.cells.map((cell) => ({ ...cell, experiment: withConcreteSplit(cell.experiment) })),
    baseExperiment: grid.baseExperiment && withConcreteSplit(grid.baseExperiment),
  };
}
