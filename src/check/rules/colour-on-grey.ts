/**
 * RK0511 (warning): color_jitter's saturation and hue change nothing on grey (1-channel) data.
 * Only values the user wrote are reported: the defaults (MoCo v2's 0.4 and 0.1) are silent no-ops.
 */
import { diagnostic } from '../../diagnostics/diagnostic.ts';
import { DATA_FACTS } from '../../schema/catalog.ts';
import type { Data } from '../../schema/types.generated.ts';
import type { ExperimentRule } from '../rule.ts';

/** Channels per pixel known from the settings; null when only the data itself says (an image folder). */
function channelsOf(data: Data): number | null {
  const channels = DATA_FACTS[data.kind].channels;
  return channels === 'channels' && data.kind === 'synthetic' ? data.channels : typeof channels === 'number' ? channels : null;
}

export const colourOnGrey: ExperimentRule<'RK0511'> = {
  code: 'RK0511',
  checkExperiment({ experiment, spanOf, written }, report) {
    if (channelsOf(experiment.data) !== 1) return;
    const pipelines: Array<[string, typeof experiment.augment]> = [['augment', experiment.augment], ['augment_weak', experiment.augment_weak ?? []]];
    for (const [list, ops] of pipelines) {
      for (const op of ops) {
        if (op.op !== 'color_jitter') continue;
        for (const name of ['saturation', 'hue'] as const) {
          const path = `${list}.color_jitter.${name}`;
          if (op[name] === 0 || !written(path)) continue;
          report(diagnostic(this.code,
            `color_jitter ${name} (${op[name]}) has no effect: data ${experiment.data.kind} is grey (1 channel)`,
            spanOf(path), { notes: [`grey images have no colour to change; remove ${name} or set it to 0`] }));
        }
      }
    }
  },
};
