/**
 * The runtime options of each part of a resolved experiment, as the generated program writes them:
 * the one place where the language's snake_case names become the runtime API's camelCase options.
 * The program opens with the resolved experiment (EXPERIMENT) and every option reads its value from
 * there (`experiment.loss.relation.temperature`), so each value is written once; values the runtime
 * takes from one place (the key queue and momentum from `instance moco`) are gathered here.
 */
import type { DataSpec } from '../runtime/data/load.ts';
import type { Data, Eval, Loss, Optimizer, Pretrain, ResolvedExperiment, Schedule, Student, Teacher } from '../schema/types.generated.ts';
import { Code, type Literal } from './literal.ts';

export type Settings = { [key: string]: Literal | undefined };

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The name of the resolved experiment in the generated program. */
export const EXPERIMENT = 'experiment';

/** The program's read of one resolved value: `experiment.loss.relation.temperature`. */
export class Read extends Code {
  readonly path: readonly string[];
  constructor(path: string) {
    super(`${EXPERIMENT}.${path}`);
    this.path = path.split('.');
  }
}

export const read = (path: string): Read => new Read(path);

/** The named fields (by default all) of the block at `path`, each read under its camelCase name. */
function fields(path: string, block: object, names: readonly string[] = Object.keys(block)): Settings {
  return Object.fromEntries(names.map((name) => [camel(name), read(`${path}.${name}`)]));
}

/** METHOD.md: a relation term without an instance term uses the key queue's defaults. */
export const defaultKeyQueue = { queue: 4096, momentum: 0.99 };

/**
 * The values the runtime receives from `settings` in the program of `experiment` (each read
 * replaced by the value it reads; absent options left out), for code that calls the runtime or
 * compares its options without a program.
 */
export function settingsValues(settings: Settings, experiment: ResolvedExperiment): Record<string, unknown> {
  const value = (literal: Literal): unknown => {
    if (literal instanceof Read) return literal.path.reduce<unknown>((part, key) => (part as Record<string, unknown>)[key], experiment);
    if (literal instanceof Code) throw new Error(`codegen: ${literal.text} is not a setting of the experiment`);
    if (Array.isArray(literal)) return literal.map(value);
    if (literal !== null && typeof literal === 'object') return object(literal);
    return literal;
  };
  const object = (entries: Settings) =>
    Object.fromEntries(Object.entries(entries).flatMap(([key, entry]) => (entry === undefined ? [] : [[key, value(entry)]])));
  return object(settings);
}

/** loadDataset's spec. */
export const dataSettings = (data: Data): Settings => fields('data', data);

/** The runtime's DataSpec of the experiment's data, for a front end that loads it itself (`rekdc preview`). */
export const dataSpec = (experiment: ResolvedExperiment): DataSpec => settingsValues(dataSettings(experiment.data), experiment) as DataSpec;

/** Encoder options besides the input channels and the random stream, which the program supplies. */
export function encoderSettings(path: 'student' | 'teacher', model: Student | Teacher): Settings {
  return fields(path, model, ['kind', 'width', 'embed', 'hidden', ...(model.kind === 'mobilenetv3' ? ['variant'] : [])]);
}

/**
 * The teacher a run builds: none when no relation term reads it (RK0508 warns), so that an unused
 * teacher is neither pretrained, trained nor evaluated.
 */
export const builtTeacher = (experiment: ResolvedExperiment): Teacher | null => (experiment.loss.relation ? experiment.teacher : null);

/** The online teacher's own instance-loss settings (what TeacherSpec takes besides mode and encoder). */
export const onlineTeacherSettings = (teacher: Teacher): Settings => fields('teacher', teacher, ['temperature', 'queue', 'momentum']);

/**
 * An offline teacher's pretrain recipe (what the runtime's PretrainOptions take besides the cache,
 * encoder, data and augmentation): the stage's own values, and where it sets none the teacher
 * block's (temperature, queue, momentum) or the experiment's (batch size, optimiser).
 */
export function pretrainSettings(pretrain: Pretrain, optimizer: Optimizer): Settings {
  const own = (name: keyof Pretrain, fallback: string) => read(pretrain[name] === null ? fallback : `teacher.pretrain.${name}`);
  return {
    epochs: read('teacher.pretrain.epochs'),
    warmupEpochs: read('teacher.pretrain.warmup_epochs'),
    instance: {
      temperature: own('temperature', 'teacher.temperature'),
      queue: own('queue', 'teacher.queue'),
      momentum: own('momentum', 'teacher.momentum'),
      symmetric: read('teacher.pretrain.symmetric'),
      bnGroups: read('teacher.pretrain.bn_groups'),
    },
    batchSize: own('batch_size', 'batch_size'),
    seed: own('seed', 'seed'),
    optimizer: { ...optimizerSettings(optimizer), lr: own('lr', 'optimizer.lr'), weightDecay: own('weight_decay', 'optimizer.weight_decay') },
  };
}

export function objectiveSettings(loss: Loss): Settings {
  const { instance, relation, supervised } = loss;
  return {
    ...(instance ? fields('loss.instance', instance, ['queue', 'momentum']) : defaultKeyQueue),
    instance: instance ? fields('loss.instance', instance, ['weight', 'temperature', 'symmetric', 'bn_groups']) : undefined,
    relation: relation ? fields('loss.relation', relation) : undefined,
    supervised: supervised ? fields('loss.supervised', supervised) : undefined,
  };
}

export const optimizerSettings = (optimizer: Optimizer): Settings => fields('optimizer', optimizer);

export const scheduleSettings = (schedule: Schedule): Settings => fields('schedule', schedule);

/** The final evaluation's protocols; each absent when the experiment leaves it out. */
export function evaluationSettings(evaluation: Eval): Settings {
  const { linear, knn, collapse } = evaluation;
  return {
    linear: linear ? fields('eval.linear', linear) : undefined,
    knn: knn ? fields('eval.knn', knn, ['k', 'temperature']) : undefined,
    collapse: collapse ? fields('eval.collapse', collapse, ['neighbours']) : undefined,
  };
}

/** The kNN monitor during training; absent when kNN is not evaluated or `every` is 0. */
export function knnMonitorSettings(evaluation: Eval): Settings | undefined {
  return evaluation.knn && evaluation.knn.every > 0 ? fields('eval.knn', evaluation.knn) : undefined;
}
