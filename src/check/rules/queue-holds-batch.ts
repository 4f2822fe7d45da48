/** RK0510 (warning): a key queue shorter than a batch keeps only the newest keys of each batch. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const queueHoldsBatch: ExperimentRule = {
  code: 'RK0510',
  title: 'queue smaller than batch_size',
  checkExperiment({ experiment, spanOf }, report) {
    const batch = experiment.batch_size;
    const queues: Array<[string, number]> = [];
    if (experiment.loss.instance) queues.push(['loss.instance.queue', experiment.loss.instance.queue]);
    if (experiment.teacher?.mode === 'online') queues.push(['teacher.queue', experiment.teacher.queue]);
    for (const [path, queue] of queues) {
      if (queue >= batch) continue;
      report(diagnostic('warning', this.code, `queue (${queue}) is smaller than a batch (batch_size = ${batch}): only the newest ${queue} keys of each batch are kept`, spanOf(path)));
    }
  },
};
