import { expect } from 'chai';
import { runSummary } from '../../src/cli/run-summary.ts';
import type { StepRecord } from '../../src/runtime/run/metrics.ts';

describe('the summary rekdc run prints', () => {
  it('sets the student beside its floors and teacher, columns aligned, then the miner and collapse', () => {
    const evaluation = {
      linear: { top1: 0.8513 }, knn: { top1: 0.8511 },
      floors: { untrained: { linear: { top1: 0.7806 }, knn: { top1: 0.8019 } }, pixels: { linear: { top1: 0.8426 }, knn: { top1: 0.8459 } } },
      teacher: { knn: { top1: 0.8518 } },
      collapse: { effectiveRank: 19.094, purity: 0.764235 },
    };
    const miner = { type: 'step', step: 2340, miner_precision: 0.70412, miner_chance: 0.1, miner_positives: 4.25 } as StepRecord;
    expect(runSummary(evaluation, miner)).to.deep.equal([
      '  top-1   student  untrained  raw pixels  teacher',
      '  linear   85.13%     78.06%      84.26%',
      '  kNN      85.11%     80.19%      84.59%   85.18%',
      '  relation miner at step 2340: precision 0.704, chance 0.100, 4.3 positives per query',
      '  collapse: effective rank 19.1, neighbour purity 0.764',
    ]);
  });

  it('shows only the columns and lines the evaluation has', () => {
    expect(runSummary({ knn: { top1: 0.5 } }, undefined)).to.deep.equal(['  top-1  student', '  kNN     50.00%']);
    expect(runSummary(undefined, undefined)).to.deep.equal([]);
  });
});
