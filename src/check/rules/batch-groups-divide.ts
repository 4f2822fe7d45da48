/** RK0512: `bn_groups` must cut a batch into equal BatchNorm groups of at least two images. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const batchGroupsDivide: ExperimentRule<'RK0512'> = {
  code: 'RK0512',
  checkExperiment({ experiment, spanOf }, report) {
    const groupings: Array<[string, number, number]> = [];
    if (experiment.loss.instance) groupings.push(['loss.instance.bn_groups', experiment.loss.instance.bn_groups, experiment.batch_size]);
    const pretrain = experiment.teacher?.mode === 'offline' ? experiment.teacher.pretrain : null;
    if (pretrain) groupings.push(['teacher.pretrain.bn_groups', pretrain.bn_groups, pretrain.batch_size ?? experiment.batch_size]);
    for (const [path, groups, batch] of groupings) {
      if (batch % groups === 0 && batch / groups >= 2) continue;
      const problem = batch % groups !== 0 ? 'does not divide' : 'leaves fewer than 2 images per group of';
      const fitting = Array.from({ length: Math.floor(batch / 2) }, (_, i) => i + 1).filter((g) => batch % g === 0);
      const source = path.startsWith('teacher.pretrain') && pretrain?.batch_size !== null ? 'the stage\'s batch_size' : 'the experiment\'s batch_size';
      report(diagnostic(this.code, `bn_groups = ${groups} ${problem} a batch of ${batch} (batch_size must be a multiple of bn_groups, with at least 2 images per group)`, spanOf(path),
        { notes: [`the batch is ${source}; bn_groups that fit it: ${fitting.join(', ')}`] }));
    }
  },
};
