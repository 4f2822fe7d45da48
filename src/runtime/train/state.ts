/**
 * What a training checkpoint holds: every model variable (student, key encoder, classifier,
 * online teacher and its key encoder), optimiser slots, queues and miner state as named tensors;
 * step, loader position, optimiser counter and the small JSON parts of queues and miner as
 * metadata. Restoring it continues the run exactly where it stopped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, loadCheckpoint, restoreVariables, saveCheckpoint } from '../checkpoint.ts';
import type { LoaderState } from '../data/loader.ts';
import type { SavedState } from '../objectives/state.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import type { AtomicWriteOptions, WriteError } from '../run/atomic.ts';

/** Where the student's weights live in a run's checkpoint (an offline teacher loads them from there). */
export const studentWeightsPrefix = 'model/student';

export interface TrainingMetadata {
  /** Optimiser steps done. */
  step: number;
  /** Position of the next batch. */
  loader: LoaderState;
  optimizer: { updates: number };
  /** Best kNN top-1 seen during training (for the `best` checkpoint). */
  bestKnn: number | null;
  /** JSON parts of the stateful pieces, by the same names as their tensor prefixes. */
  pieces: Record<string, Record<string, unknown>>;
}

/** A stateful piece with the queue / miner interface of src/runtime/objectives. */
export interface StatefulPiece {
  exportState(): SavedState;
  restoreState(state: SavedState): void;
}

export interface TrainingParts {
  variables: Map<string, tf.Variable>;
  optimizer: Optimizer;
  /** Queues and miners by name. */
  pieces: Record<string, StatefulPiece>;
}

/** A checkpoint could not be written: training stops rather than go on without a safe point. */
export class CheckpointSaveError extends Error {
  override name = 'CheckpointSaveError';
  /** `savedStep`: the step of the newest checkpoint on disk, if any. */
  constructor(readonly step: number, readonly savedStep: number | undefined, override readonly cause: WriteError) {
    super(
      `the checkpoint at step ${step} could not be saved: ${cause.message}. Training stopped; running it again ` +
        (savedStep === undefined ? 'starts from the beginning' : `resumes from the checkpoint at step ${savedStep}`),
    );
  }
}

export async function saveTrainingCheckpoint(
  file: string,
  parts: TrainingParts,
  progress: Omit<TrainingMetadata, 'optimizer' | 'pieces'>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tensors: Record<string, tf.Tensor> = {};
  const owned: tf.Tensor[] = [];
  for (const [name, variable] of parts.variables) tensors[`model/${name}`] = variable;
  for (const [name, slot] of parts.optimizer.slots()) tensors[`optimizer/${name}`] = slot;
  const pieces: TrainingMetadata['pieces'] = {};
  for (const [piece, stateful] of Object.entries(parts.pieces)) {
    const state = stateful.exportState();
    for (const [name, tensor] of Object.entries(state.tensors)) {
      tensors[`${piece}/${name}`] = tensor;
      owned.push(tensor);
    }
    pieces[piece] = state.json;
  }
  const metadata: TrainingMetadata = { ...progress, optimizer: parts.optimizer.getState(), pieces };
  try {
    await saveCheckpoint(file, tensors, metadata, options);
  } finally {
    tf.dispose(owned);
  }
}

/** Restores every part in place and returns the progress to continue from. */
export function restoreTrainingCheckpoint(file: string, parts: TrainingParts): TrainingMetadata {
  const { tensors, metadata } = loadCheckpoint<TrainingMetadata>(file);
  try {
    restoreVariables(parts.variables, tensors, 'model');
    restoreVariables(parts.optimizer.slots(), tensors, 'optimizer');
    parts.optimizer.setState(metadata.optimizer);
    for (const [piece, stateful] of Object.entries(parts.pieces)) {
      const json = metadata.pieces?.[piece];
      if (!json) throw new CheckpointError(`checkpoint ${file} has no state for '${piece}'`);
      stateful.restoreState({ tensors: withoutPrefix(tensors, piece), json });
    }
    return metadata;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

function withoutPrefix(tensors: Record<string, tf.Tensor>, prefix: string): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name.startsWith(`${prefix}/`)) out[name.slice(prefix.length + 1)] = tensor;
  }
  return out;
}
