/** RK0510 (warning): a key queue shorter than a batch keeps only the newest keys of each batch. */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import type { ExperimentRule } from '../rule.ts';

export const queueHoldsBatch: ExperimentRule<'RK0510'> = {
  code: 'RK0510',
  checkExperiment({ experiment, spanOf }, report) {
    const batch = experiment.batch_size;
    const queues: Array<[string, number, number]> = [];
    if (experiment.loss.instance) queues.push(['loss.instance.queue', experiment.loss.instance.queue, batch]);
    const teacher = experiment.teacher;
    if (teacher?.mode === 'online') queues.push(['teacher.queue', teacher.queue, batch]);
    if (teacher?.mode === 'offline' && teacher.pretrain) {
      // The stage's own values, else the teacher block's queue and the experiment's batch size.
      const { queue, batch_size: stageBatch } = teacher.pretrain;
      queues.push([queue !== null ? 'teacher.pretrain.queue' : 'teacher.queue', queue ?? teacher.queue, stageBatch ?? batch]);
    }
    for (const [path, queue, size] of queues) {
      if (queue >= size) continue;
      report(diagnostic(this.code, `queue (${queue}) is smaller than a batch (batch_size = ${size}): only the newest ${queue} keys of each batch are kept`, spanOf(path)));
    }
  },
};
