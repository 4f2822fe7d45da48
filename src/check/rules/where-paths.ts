/**
 * RK0801 in a grid's `where`: every path a comparison reads exists in the experiment, with
 * did-you-mean. (Grid axes and `--set` overrides report their unknown paths when applied.)
 */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/did-you-mean.ts';
import { pathTarget } from '../../tree/catalog-path.ts';
import type { FileRule } from '../rule.ts';
import { whereComparisons } from './grid-where.ts';

export const wherePaths: FileRule<'RK0801'> = {
  code: 'RK0801',
  checkFile(file, report) {
    for (const { path } of whereComparisons(file)) {
      const target = pathTarget(path);
      if (target.type !== 'unknown') continue;
      const suggestion = didYouMean(target.segment.text, target.members);
      const notes = !suggestion && target.members.length ? [`${target.where} has: ${target.members.join(', ')}`] : [];
      report(diagnostic(this.code, `unknown path segment '${target.segment.text}' in ${target.where}`, target.segment.span, { suggestion, notes }));
    }
  },
};
