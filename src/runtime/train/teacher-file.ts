/**
 * A teacher as one file, to share a trained teacher: the frozen encoder's weights under the names a
 * run's checkpoint gives the student (`model/student/...`, so `checkpoint = "file"` loads either)
 * in the checkpoint container (checkpoint.ts; its SHA-256 is the integrity check), and a record of
 * what it is: its encoder, the recipe that trained it and its evaluation. The record is plain JSON
 * made and checked here, apart from the container, which stores it in safetensors' `__metadata__`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../checkpoint.ts';
import type { EvaluationResults } from './evaluate.ts';
import { studentWeightsPrefix } from './state.ts';

/** The record's `format`: names the kind of file and the version of the record. */
export const TEACHER_FILE_FORMAT = 'rekd teacher 1';

export interface TeacherRecord {
  format: typeof TEACHER_FILE_FORMAT;
  /** A teacher pretrain stage (`runs/teachers/teacher-<hash>`) or the student of a training run. */
  source: 'pretrain' | 'run';
  /** The exported directory's name. */
  name: string;
  /** The encoder's settings: the stage recipe's, or the run's `student` block (kind, width, embed, variant), with `hidden` as built (builtEncoder). */
  encoder: Record<string, unknown>;
  /**
   * The directory's resolved.json: the stage's recipe (with the runtime fingerprint of the rekd that
   * trained it) or the run's resolved experiment.
   */
  recipe: Record<string, unknown>;
  /** Its eval.json. */
  eval: EvaluationResults;
  /** Optimiser steps and epochs trained. */
  trained: { step: number; epoch: number };
}

/** The record in a checkpoint's metadata, or undefined for a checkpoint that holds none (a run's). */
export function teacherRecordOf(metadata: unknown): TeacherRecord | undefined {
  const record = metadata as Partial<TeacherRecord> | null;
  return record !== null && typeof record === 'object' && record.format === TEACHER_FILE_FORMAT ? (record as TeacherRecord) : undefined;
}

export async function writeTeacherFile(file: string, weights: Record<string, tf.Tensor>, record: TeacherRecord): Promise<void> {
  await saveCheckpoint(file, weights, record);
}

/** The verified file with its record; a checkpoint without one is an error naming the file. */
export function readTeacherFile(file: string): Checkpoint<TeacherRecord> {
  const checkpoint = loadCheckpoint(file);
  const record = teacherRecordOf(checkpoint.metadata);
  if (!record) {
    tf.dispose(Object.values(checkpoint.tensors));
    throw new CheckpointError(`${file} is a rekd checkpoint but not a teacher file (write one with \`rekdc teacher export\`)`);
  }
  return { ...checkpoint, metadata: record };
}

/**
 * The settings of the encoder whose student weights (`model/student/...`) are `weights`, with
 * `hidden` as built: a recipe's `hidden = 0` means twice the backbone's feature width, which the
 * projection head's first layer holds. Files and messages give this true width.
 */
export function builtEncoder(settings: Record<string, unknown>, weights: Record<string, tf.Tensor>): Record<string, unknown> {
  const hidden = weights[`${studentWeightsPrefix}/head/fc1/kernel`]?.shape[1];
  return hidden === undefined ? settings : { ...settings, hidden };
}

/** `resnet18 (width 0.25, embed 128, hidden 256)`: an encoder's settings for messages. */
export function describeEncoder(encoder: object): string {
  const config = encoder as Record<string, unknown>;
  const settings = ['width', 'embed', 'hidden', 'inChannels']
    .filter((name) => config[name] !== undefined)
    .map((name) => `${name === 'inChannels' ? 'input channels' : name} ${String(config[name])}`);
  if (config.kind === 'mobilenetv3' && config.variant !== undefined) settings.unshift(String(config.variant));
  return `${String(config.kind)} (${settings.join(', ')})`;
}
