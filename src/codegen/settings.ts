/**
 * The runtime settings of each part of a resolved experiment: the one place where the language's
 * snake_case names become the runtime API's camelCase options, and values the runtime takes from
 * one place (the key queue and momentum from `instance moco`) are gathered there.
 */
import type { DataSpec } from '../runtime/data/load.ts';
import type {
  AugmentOp, Data, Eval, Loss, Optimizer, Pretrain, ResolvedExperiment, Schedule, Student, Teacher,
} from '../schema/types.generated.ts';
import type { Literal } from './literal.ts';

type Settings = { [key: string]: Literal | undefined };

/** `test_size` -> `testSize`, at the type level. */
type Camel<Name extends string> = Name extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : Name;
type CamelKeys<T> = { [Key in keyof T as Key extends string ? Camel<Key> : Key]: T[Key] };

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The same object with camelCase keys (values as they are). */
function camelKeys<T extends object>(value: T): CamelKeys<T> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), v])) as CamelKeys<T>;
}

/** METHOD.md: a relation term without an instance term uses the key queue's defaults. */
export const defaultKeyQueue = { queue: 4096, momentum: 0.99 };

/** The runtime's DataSpec of the resolved `data` object (also what `rekdc preview` loads). */
export const dataSpec = (data: Data): DataSpec => camelKeys(data);

/** Encoder options besides the input channels and the random stream, which the program supplies. */
export function encoderSettings(model: Student | Teacher): Settings {
  const { kind, width, embed, hidden } = model;
  return { kind, width, embed, hidden, variant: model.kind === 'mobilenetv3' ? model.variant : undefined };
}

/** The online teacher's own instance-loss settings (what TeacherSpec takes besides the encoder). */
export function onlineTeacherSettings(teacher: Teacher): Settings {
  return { temperature: teacher.temperature, queue: teacher.queue, momentum: teacher.momentum };
}

/**
 * An offline teacher's pretrain recipe (what the runtime's PretrainOptions take besides the cache,
 * encoder, data and augmentation): the stage's own values, and where it sets none the teacher
 * block's (temperature, queue, momentum) or the experiment's (batch size, optimiser).
 */
export function pretrainSettings(experiment: ResolvedExperiment, teacher: Teacher, pretrain: Pretrain): Settings {
  const optimizer = experiment.optimizer;
  return {
    epochs: pretrain.epochs,
    warmupEpochs: pretrain.warmup_epochs,
    instance: {
      temperature: pretrain.temperature ?? teacher.temperature,
      queue: pretrain.queue ?? teacher.queue,
      momentum: pretrain.momentum ?? teacher.momentum,
      symmetric: pretrain.symmetric,
    },
    batchSize: pretrain.batch_size ?? experiment.batch_size,
    seed: pretrain.seed ?? experiment.seed,
    optimizer: {
      ...optimizerSettings(optimizer), lr: pretrain.lr ?? optimizer.lr, weightDecay: pretrain.weight_decay ?? optimizer.weight_decay,
    },
  };
}

export function objectiveSettings(loss: Loss): Settings {
  const keys = loss.instance ? { queue: loss.instance.queue, momentum: loss.instance.momentum } : defaultKeyQueue;
  const instance = loss.instance && { weight: loss.instance.weight, temperature: loss.instance.temperature, symmetric: loss.instance.symmetric };
  return {
    ...keys,
    instance: instance ?? undefined,
    relation: loss.relation ? camelKeys(loss.relation) : undefined,
    supervised: loss.supervised ? { weight: loss.supervised.weight } : undefined,
  };
}

export const optimizerSettings = (optimizer: Optimizer): Settings => camelKeys(optimizer);

export const scheduleSettings = (schedule: Schedule): Settings => camelKeys(schedule);

/** Augmentation ops keep their language names (the runtime's AugmentOp uses them). */
export const augmentSettings = (ops: AugmentOp[]): Literal => ops.map((op) => ({ ...op }));

/** The final evaluation's protocols (camelCase); each absent when the experiment leaves it out. */
export function evaluationSettings(evaluation: Eval): Settings {
  const { linear, knn, collapse } = evaluation;
  return {
    linear: linear ? camelKeys(linear) : undefined,
    knn: knn ? { k: knn.k, temperature: knn.temperature } : undefined,
    collapse: collapse ? { neighbours: collapse.neighbours } : undefined,
  };
}

/** The kNN monitor during training; absent when kNN is not evaluated or `every` is 0. */
export function knnMonitorSettings(evaluation: Eval): Settings | undefined {
  return evaluation.knn && evaluation.knn.every > 0 ? camelKeys(evaluation.knn) : undefined;
}
