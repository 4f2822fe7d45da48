/** RK0512: `bn_groups` must leave at least two images in every BatchNorm group of a batch. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const batchGroupsFit: ExperimentRule<'RK0512'> = {
  code: 'RK0512',
  checkExperiment({ experiment, spanOf }, report) {
    const groupings: Array<[string, number, number]> = [];
    if (experiment.loss.instance) groupings.push(['loss.instance.bn_groups', experiment.loss.instance.bn_groups, experiment.batch_size]);
    const pretrain = experiment.teacher?.mode === 'offline' ? experiment.teacher.pretrain : null;
    if (pretrain) groupings.push(['teacher.pretrain.bn_groups', pretrain.bn_groups, pretrain.batch_size ?? experiment.batch_size]);
    for (const [path, groups, batch] of groupings) {
      if (2 * groups <= batch) continue;
      report(diagnostic(this.code, `bn_groups = ${groups} leaves fewer than 2 images per BatchNorm group of a batch of ${batch} (at most ${Math.floor(batch / 2)})`, spanOf(path)));
    }
  },
};
