/** Every check rule, by pass. Adding a rule: write its module in rules/ and list it here. */
import type { ExperimentRule, FileRule, ProgramRule, TreeRule } from './rule.ts';
import { unknownMember } from './rules/unknown-member.ts';
import { misplacedMember } from './rules/misplaced-member.ts';
import { unknownKind } from './rules/unknown-kind.ts';
import { missingKind } from './rules/missing-kind.ts';
import { unexpectedKind } from './rules/unexpected-kind.ts';
import { valueType } from './rules/value-type.ts';
import { valueRange } from './rules/value-range.ts';
import { rangeOrder } from './rules/range-order.ts';
import { missingBlock } from './rules/missing-block.ts';
import { missingAttribute } from './rules/missing-attribute.ts';
import { embedMatch } from './rules/embed-match.ts';
import { relationNeedsTeacher } from './rules/relation-needs-teacher.ts';
import { offlineTeacherSource } from './rules/offline-teacher-source.ts';
import { onlineTeacherSource } from './rules/online-teacher-source.ts';
import { warmupBeforeEnd } from './rules/warmup-before-end.ts';
import { sameArchitecture } from './rules/same-architecture.ts';
import { lossHasTerm } from './rules/loss-has-term.ts';
import { milestonesInTraining } from './rules/milestones-in-training.ts';
import { unusedTeacher } from './rules/unused-teacher.ts';
import { queueHoldsBatch } from './rules/queue-holds-batch.ts';
import { batchGroupsDivide } from './rules/batch-groups-divide.ts';
import { colourOnGrey } from './rules/colour-on-grey.ts';
import { duplicateMember } from './rules/duplicate-member.ts';
import { axisIsList } from './rules/axis-is-list.ts';
import { axisGivenOnce } from './rules/axis-given-once.ts';
import { zipLengths } from './rules/zip-lengths.ts';
import { gridSize } from './rules/grid-size.ts';
import { gridWhere } from './rules/grid-where.ts';
import { wherePaths } from './rules/where-paths.ts';
import { duplicateDeclaration } from './rules/duplicate-declaration.ts';
import { unknownAxesSet } from './rules/unknown-axes-set.ts';
import { setPathInGrid } from './rules/set-path-in-grid.ts';
import { unusedAxesSet } from './rules/unused-axes-set.ts';

export const PROGRAM_RULES: readonly ProgramRule[] = [duplicateDeclaration, gridSize, unknownAxesSet, setPathInGrid, unusedAxesSet];
export const FILE_RULES: readonly FileRule[] = [duplicateMember, axisIsList, axisGivenOnce, zipLengths, wherePaths, gridWhere];
export const TREE_RULES: readonly TreeRule[] = [
  unknownMember, misplacedMember, unknownKind, missingKind, unexpectedKind,
  valueType, valueRange, rangeOrder, missingBlock, missingAttribute,
];
export const EXPERIMENT_RULES: readonly ExperimentRule[] = [
  lossHasTerm, relationNeedsTeacher, embedMatch, offlineTeacherSource, onlineTeacherSource, warmupBeforeEnd,
  milestonesInTraining, queueHoldsBatch, batchGroupsDivide, sameArchitecture, unusedTeacher, colourOnGrey,
];
