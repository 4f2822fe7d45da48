/** `rekdc run`: until the run engine lands (its own issue), checks the file and says so. */
import { check } from './check.ts';
import type { Args } from './args.ts';

export function run(args: Args): number {
  const status = check(args);
  if (status !== 0) return status;
  process.stderr.write('rekdc run: the file checks clean, but running is not implemented yet\n');
  return 2;
}
