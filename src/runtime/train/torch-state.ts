/**
 * Weights from PyTorch: an offline teacher's `checkpoint` may be a state dict of its PyTorch twin
 * (bench/reference/models.py) saved as safetensors elsewhere; `torchWeightsFor` maps it back to
 * the encoder's variables (torch-names.ts), checking every name and shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, listProblems } from '../checkpoint.ts';
import type { Encoder } from '../nn/encoder.ts';
import { fromTorchLayout, hasTorchTwin, torchNameOf, torchShape, torchTwinKinds, type TorchName, type TorchTwinKind } from '../nn/torch-names.ts';
import { studentWeightsPrefix } from './state.ts';
import { describeEncoder } from './teacher-file.ts';

/** The twin's kind, or an error naming the backbones that have one. */
export function twinKind(kind: unknown, what: string): TorchTwinKind {
  if (typeof kind === 'string' && hasTorchTwin(kind)) return kind;
  throw new CheckpointError(`${what} is a ${String(kind)}; bench/reference/models.py has PyTorch twins of ${torchTwinKinds.join(', ')} only`);
}

/** Whether `tensors` are a PyTorch state dict (the twin's dotted names) rather than a rekd checkpoint's. */
export function isTorchStateDict(tensors: Record<string, tf.Tensor>): boolean {
  const names = Object.keys(tensors);
  return names.every((name) => !name.includes('/')) && names.some((name) => /^(backbone|head)\./.test(name));
}

/** BatchNorm's update counter: PyTorch state only, nothing rekd's encoders keep. */
const torchOnly = /\.num_batches_tracked$/;

/**
 * The encoder's variables (as `model/student/<name>`, new tensors the caller disposes) from the
 * PyTorch state dict `tensors` of its twin. Every missing, misshapen or unexpected tensor is listed
 * by its PyTorch name in one CheckpointError naming `file`.
 */
export function torchWeightsFor(encoder: Encoder, tensors: Record<string, tf.Tensor>, file: string): Record<string, tf.Tensor> {
  const kind = twinKind(encoder.config.kind, `the teacher for ${file} (a PyTorch state dict)`);
  const expected = new Map<string, { name: string; shape: number[]; twin: TorchName }>();
  for (const [name, variable] of encoder.state()) {
    const twin = torchNameOf(kind, name);
    if (!twin) throw new Error(`no PyTorch name for the ${kind} variable '${name}'`);
    expected.set(twin.name, { name, shape: torchShape(variable.shape, twin.layout), twin });
  }
  const problems: string[] = [];
  for (const [torchName, { shape }] of expected) {
    const stored = tensors[torchName];
    if (!stored) problems.push(`missing '${torchName}'`);
    else if (!tf.util.arraysEqual(stored.shape, shape)) problems.push(`'${torchName}' has shape [${stored.shape}], the teacher expects [${shape}]`);
  }
  for (const name of Object.keys(tensors)) {
    if (!expected.has(name) && !torchOnly.test(name)) problems.push(`unexpected '${name}'`);
  }
  if (problems.length > 0) {
    throw new CheckpointError(
      `teacher checkpoint ${file} (a PyTorch state dict) does not fit the teacher ${describeEncoder(encoder.config)} (by tensor: ${listProblems(problems)})`,
    );
  }
  const out: Record<string, tf.Tensor> = {};
  for (const [torchName, { name, twin }] of expected) out[`${studentWeightsPrefix}/${name}`] = fromTorchLayout(tensors[torchName], twin.layout);
  return out;
}
