/**
 * Weights to PyTorch: `exportTorchWeights` writes a run's student (or a teacher stage's or a
 * teacher file's encoder) as a state dict of its PyTorch twin (bench/reference/models.py): a
 * checkpoint whose tensors carry the twin's names and layouts (torch-names.ts) and whose metadata
 * `encoder` says how to build the twin; bench/reference/rekd_torch.py loads it. The other way is
 * torch-state.ts.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { listProblems, saveCheckpoint } from '../checkpoint.ts';
import { torchNameOf, toTorchLayout, type TorchTwinKind } from '../nn/torch-names.ts';
import { readJson, RunDirectory } from '../run/directory.ts';
import { UserError } from '../user-problems.ts';
import { PRETRAIN_STAGE } from './pretrain.ts';
import { studentWeightsPrefix } from './state.ts';
import { readTeacherFile } from './teacher-file.ts';
import { studentWeights } from './teacher-share.ts';
import { twinKind } from './torch-state.ts';

/** A source that cannot be exported (printed without a stack trace). */
export class WeightsExportError extends UserError {
  override name = 'WeightsExportError';
}

/** What bench/reference/rekd_torch.py passes to models.create_encoder. */
export interface TwinSettings {
  kind: TorchTwinKind;
  width: number;
  embed: number;
  hidden: number;
  in_channels: number;
  /** mobilenetv3 only: small or large. */
  variant?: string;
}

export interface TorchExport {
  encoder: TwinSettings;
  tensors: number;
}

/** The encoder settings and student weights (`model/student/...`) of a run or stage directory or a teacher file. */
function readSource(source: string): { settings: Record<string, unknown>; weights: Record<string, tf.Tensor> } {
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new WeightsExportError(`${source} does not exist`);
  if (stat.isFile()) {
    const { tensors, metadata } = readTeacherFile(source);
    return { settings: metadata.encoder, weights: tensors };
  }
  const run = new RunDirectory(source);
  const resolved = readJson<Record<string, unknown>>(run.paths.resolved);
  const settings = resolved?.stage === PRETRAIN_STAGE ? resolved.encoder : resolved?.student;
  if (settings === null || typeof settings !== 'object') {
    throw new WeightsExportError(`${source} is not a run or teacher stage directory (no resolved.json with a student or encoder)`);
  }
  if (!fs.statSync(run.paths.latest, { throwIfNoEntry: false })?.isFile()) {
    throw new WeightsExportError(`${source} has no checkpoints/latest.ckpt yet (nothing trained to export)`);
  }
  return { settings: settings as Record<string, unknown>, weights: studentWeights(run.paths.latest) };
}

/** Writes the weights of `source` (run or stage directory, teacher file) as a state dict of the PyTorch twin. */
export async function exportTorchWeights(source: string, out: string): Promise<TorchExport> {
  const { settings, weights } = readSource(source);
  const converted: Record<string, tf.Tensor> = {};
  try {
    const kind = twinKind(settings.kind, `the encoder of ${source}`);
    const dimension = (name: string, axis: number): number => {
      const tensor = weights[`${studentWeightsPrefix}/${name}`];
      if (!tensor) throw new WeightsExportError(`${source} holds no '${studentWeightsPrefix}/${name}' (not a ${kind} encoder's weights)`);
      return tensor.shape[axis];
    };
    const encoder: TwinSettings = {
      kind,
      width: Number(settings.width),
      embed: dimension('head/fc2/kernel', 1),
      hidden: dimension('head/fc1/kernel', 1),
      in_channels: dimension(kind === 'alexnet' ? 'backbone/conv1/conv/kernel' : 'backbone/stem/conv/kernel', 2),
      ...(kind === 'mobilenetv3' ? { variant: String(settings.variant ?? 'small') } : {}),
    };
    const unnamed: string[] = [];
    for (const [full, tensor] of Object.entries(weights)) {
      const name = full.slice(studentWeightsPrefix.length + 1);
      const twin = torchNameOf(kind, name);
      if (twin) converted[twin.name] = toTorchLayout(tensor, twin.layout);
      else unnamed.push(name);
    }
    if (unnamed.length > 0) throw new WeightsExportError(`${source}: no PyTorch name for ${listProblems(unnamed.map((name) => `'${name}'`))}`);
    await saveCheckpoint(out, converted, { encoder, source });
    return { encoder, tensors: Object.keys(converted).length };
  } finally {
    tf.dispose([...Object.values(weights), ...Object.values(converted)]);
  }
}
