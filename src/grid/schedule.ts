/**
 * Which cells share an offline teacher's pretrain stage. The runtime caches that stage by the hash
 * of its recipe, but two processes pretraining the same recipe at once would write the same cache
 * directory; so a group runs one cell at a time until one of them is complete (the stage is then
 * cached), and the rest together after that.
 */
import type { GridCell } from '../compiler.ts';
import { builtTeacher, encoderSettings, pretrainSettings, settingsValues, type Settings } from '../codegen/settings.ts';

/**
 * The key of a cell's pretrain stage, or null without one: the teacher's encoder and the stage's
 * recipe as the runtime receives them (unset values filled from the experiment, the seed
 * included), with the data and augmentation, so equal recipes have equal keys even when written
 * differently (`lr = 0.06` or the experiment's 0.06), and cells of different seeds share a stage
 * only when it has a seed of its own. The key may join cells whose recipes the runtime still tells
 * apart by its data fingerprint: that only orders them, it never lets two pretrain one recipe at
 * once. Settings are built in a fixed order, so plain JSON is canonical here.
 */
export function pretrainKey(cell: GridCell): string | null {
  const { data, augment } = cell.experiment;
  const teacher = builtTeacher(cell.experiment);
  if (!teacher || teacher.mode !== 'offline' || teacher.checkpoint !== null || !teacher.pretrain) return null;
  const values = (settings: Settings) => settingsValues(settings, cell.experiment);
  return JSON.stringify({
    encoder: values(encoderSettings('teacher', teacher)), ...values(pretrainSettings(teacher.pretrain, cell.experiment.optimizer)), data, augment,
  });
}

/** The cells sharing each cell's pretrain stage, itself included, by cell name (cells without a stage are absent). */
export function pretrainGroups(cells: readonly GridCell[]): Map<string, GridCell[]> {
  const byKey = new Map<string, GridCell[]>();
  const groups = new Map<string, GridCell[]>();
  for (const cell of cells) {
    const key = pretrainKey(cell);
    if (key === null) continue;
    const group = byKey.get(key) ?? [];
    group.push(cell);
    byKey.set(key, group);
    groups.set(cell.name, group);
  }
  return groups;
}
