/**
 * What a compiled file means, without where it says it: the resolved experiments, the grids'
 * cells (values and resolved experiments), dropped cells and axes, and the diagnostics' codes and
 * messages. Spans and provenance are left out: formatting moves text.
 */
import { compileSource, type CompileOptions } from '../../src/compiler.ts';

export function meaning(text: string, file: string, readFile?: CompileOptions['readFile']): unknown {
  const result = compileSource(text, file, { readFile });
  return {
    ok: result.ok,
    experiments: Object.fromEntries(result.experiments),
    grids: [...result.grids.values()].map((grid) => ({
      name: grid.name, base: grid.base, axes: grid.axes, dropped: grid.dropped, baseExperiment: grid.baseExperiment,
      cells: grid.cells.map((cell) => ({ index: cell.index, name: cell.name, values: cell.values, experiment: cell.experiment })),
    })),
    gridNames: result.gridNames,
    // Messages may quote lines ("defined at line 3"): codes and severities only.
    diagnostics: result.diagnostics.map((d) => `${d.severity} ${d.code}`).sort(),
  };
}
