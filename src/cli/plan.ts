/** `rekdc plan <file> <grid>`: the cells of a grid with their run ids, states and differences from the base. */
import { UsageError, type Args } from './args.ts';
import { loadGrid } from './compiled-grid.ts';

export const PLAN_USAGE = 'rekdc plan <file> <grid> [--set path=value]...';

export async function plan(args: Args): Promise<number> {
  const [file, name, ...extra] = args.positionals;
  if (file === undefined || name === undefined || extra.length) throw new UsageError(`usage: ${PLAN_USAGE}`);
  const loaded = loadGrid(file, name, args.overrides);
  if (!loaded) return 1;
  const { planGrid, renderPlan } = await import('../grid/plan.ts');
  process.stdout.write(`${renderPlan(planGrid(loaded.grid))}\n`);
  return 0;
}
