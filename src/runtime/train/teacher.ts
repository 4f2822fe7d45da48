/**
 * Teachers give the relation terms their embeddings t (never a gradient path into the teacher).
 * - online: trained at the same time from its own initialisation with its own instance loss,
 *   momentum encoder and queue; t comes from its momentum encoder (METHOD.md).
 * - offline: a frozen encoder whose weights come from a checkpoint: an earlier run's, a teacher
 *   file (teacher-file.ts) or its pretrain stage's (see loadTeacherWeights and pretrainTeacher).
 * t is computed on the weak view when the experiment defines one, else on view 2.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, CheckpointMismatchError, listProblems, loadCheckpoint, restoreVariables, withPrefix } from '../checkpoint.ts';
import type { BatchTensors } from '../data/tensors.ts';
import type { Encoder } from '../nn/encoder.ts';
import { createMomentumCopy, momentumUpdate } from '../nn/momentum.ts';
import { emptyQueueLoss, instanceContrast } from '../objectives/losses.ts';
import { MemoryQueue } from '../objectives/queue.ts';
import { studentWeightsPrefix } from './state.ts';
import type { EvaluationResults } from './evaluate.ts';
import { builtEncoder, describeEncoder, teacherRecordOf } from './teacher-file.ts';
import { isTorchStateDict, torchWeightsFor } from './torch-state.ts';

/** The online teacher's settings of its own instance loss. */
export interface OnlineTeacherSettings {
  temperature: number;
  queue: number;
  momentum: number;
}

export type TeacherSpec =
  | ({ mode: 'online'; encoder: Encoder } & OnlineTeacherSettings)
  | { mode: 'offline'; encoder: Encoder };

/** What the teacher computed before the gradient pass; disposed by afterStep. */
export interface TeacherPrepared {
  t: tf.Tensor2D;
  /** Online: its momentum key of view 2 (the positive of its own instance loss). */
  key?: tf.Tensor2D;
}

export interface Teacher {
  readonly embedDim: number;
  prepare(inputs: BatchTensors): TeacherPrepared;
  /** The online teacher's own instance loss (inside the gradient function); absent offline. */
  loss?(inputs: BatchTensors, prepared: TeacherPrepared): tf.Scalar;
  afterStep(prepared: TeacherPrepared): void;
  trainableVariables(): Map<string, tf.Variable>;
  /** Variables a checkpoint holds (none for a frozen teacher: it is reloaded from its source). */
  variables(): Map<string, tf.Variable>;
  readonly queue?: MemoryQueue;
  dispose(): void;
}

export function createTeacher(spec: TeacherSpec): Teacher {
  return spec.mode === 'online' ? onlineTeacher(spec.encoder, spec) : offlineTeacher(spec.encoder);
}

function onlineTeacher(encoder: Encoder, settings: OnlineTeacherSettings): Teacher {
  const key = createMomentumCopy(encoder);
  const queue = new MemoryQueue({ size: settings.queue, keyDim: encoder.config.embed });
  return {
    embedDim: encoder.config.embed,
    queue,
    prepare(inputs) {
      // Its momentum encoder's running statistics are copied from the teacher in afterStep.
      const own = tf.tidy(() => key.forward(inputs.view2, true, false).embedding);
      const t = inputs.weak ? tf.tidy(() => key.forward(inputs.weak!, true, false).embedding) : own.clone();
      return { t, key: own };
    },
    loss(inputs, prepared) {
      const query = encoder.forward(inputs.view1, true).embedding;
      return queue.count === 0 ? emptyQueueLoss(query) : instanceContrast(query, prepared.key!, queue.keys, settings.temperature);
    },
    afterStep(prepared) {
      momentumUpdate(key, encoder, settings.momentum);
      queue.enqueue({ keys: prepared.key! });
      prepared.t.dispose();
      prepared.key!.dispose();
    },
    trainableVariables: () => new Map(Object.entries(withPrefix('teacher', encoder.trainableVariables()))),
    variables: () => new Map(Object.entries({ ...withPrefix('teacher', encoder.state()), ...withPrefix('teacher_key', key.state()) })),
    dispose() {
      key.dispose();
      queue.dispose();
    },
  };
}

function offlineTeacher(encoder: Encoder): Teacher {
  return {
    embedDim: encoder.config.embed,
    prepare: (inputs) => ({ t: tf.tidy(() => encoder.forward(inputs.weak ?? inputs.view2, false).embedding) }),
    afterStep: (prepared) => prepared.t.dispose(),
    trainableVariables: () => new Map(),
    variables: () => new Map(),
    dispose() {},
  };
}

/**
 * Loads the student weights of an earlier run's checkpoint, the weights of a teacher file, or a
 * PyTorch state dict of the encoder's twin (torch-state.ts) into `encoder` (an offline teacher). A
 * mismatch names the file and each tensor that does not fit; a teacher file's own evaluation is logged.
 */
export function loadTeacherWeights(
  encoder: Encoder, checkpointFile: string, log: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Encoder {
  const loaded = loadCheckpoint(checkpointFile);
  const record = teacherRecordOf(loaded.metadata);
  let tensors = loaded.tensors;
  try {
    if (isTorchStateDict(loaded.tensors)) {
      tensors = torchWeightsFor(encoder, loaded.tensors, checkpointFile);
      tf.dispose(Object.values(loaded.tensors));
    }
    restoreVariables(encoder.state(), tensors, studentWeightsPrefix);
  } catch (error) {
    if (!(error instanceof CheckpointMismatchError)) throw error;
    const holds = record ? `holds the teacher ${describeEncoder(builtEncoder(record.encoder, loaded.tensors))}, ` : '';
    throw new CheckpointError(
      `teacher checkpoint ${checkpointFile} does not fit the teacher ${describeEncoder(encoder.config)}` +
        ` (${holds}by tensor: ${listProblems(error.problems)})`,
    );
  } finally {
    tf.dispose(Object.values(tensors));
  }
  if (record) log(`teacher: ${checkpointFile} (${record.name}): ${describeAccuracy(record.eval)} in its own evaluation`);
  return encoder;
}

/** `kNN top-1 x%, linear top-1 y%` of a teacher's evaluation (the linear figure when it has one). */
export function describeAccuracy(results: EvaluationResults): string {
  const percent = (value: number | undefined) => (value === undefined ? 'unknown' : `${(100 * value).toFixed(1)}%`);
  const linear = results.linear ? `, linear top-1 ${percent(results.linear.top1)}` : '';
  return `kNN top-1 ${percent(results.knn?.top1)}${linear}`;
}
