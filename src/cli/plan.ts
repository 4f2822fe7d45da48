/** `rekdc plan <file> <grid>`: the cells of a grid with their run ids, states and differences from the base. */
import { defineCommand } from './command.ts';
import { FORMAT, SET } from './common-options.ts';
import { compileGrid } from './compiled.ts';
import { printJson } from './diagnostics-output.ts';

export const plan = defineCommand({
  name: 'plan',
  operands: '<file> <grid>',
  count: [2, 2],
  summary: 'list the cells of a grid: run id, seed, method, state (complete, failed, interrupted, running, new; `new: copy` when a finished run of the same settings under another name is copied) and difference from the base',
  options: { set: SET, format: FORMAT },
  async run({ operands: [file, name], options }) {
    const format = options.format ?? 'text';
    const loaded = compileGrid(file, name, options.set, format);
    if (!loaded) return 1;
    const { planGrid, planJson, renderPlan } = await import('../grid/plan.ts');
    const planned = planGrid(loaded.grid);
    if (format === 'json') printJson({ ...planJson(planned), file: loaded.source.file, diagnostics: loaded.diagnostics });
    else process.stdout.write(`${renderPlan(planned)}\n`);
    return 0;
  },
});
