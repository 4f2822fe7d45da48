/** Training orchestration: the loop, teachers, the pretrain stage and the final evaluation. */
export { train } from './loop.ts';
export type { LoaderSettings, TrainOptions, TrainResult } from './loop.ts';
export { evaluate } from './evaluate.ts';
export type { EvaluateOptions, EvaluationResults } from './evaluate.ts';
export { loadTeacherWeights } from './teacher.ts';
export type { OnlineTeacherSettings, TeacherSpec } from './teacher.ts';
export { pretrainDirectory, pretrainTeacher } from './pretrain.ts';
export type { PretrainInstance, PretrainOptions } from './pretrain.ts';
export { NonFiniteLossError } from './step.ts';
export type {
  CompressTerm, InstanceTerm, KnnMonitorSettings, ObjectiveSettings, OptimizerSettings, RekdTerm, RelationTerm,
  ScheduleSettings, SeedTerm,
} from './settings.ts';
