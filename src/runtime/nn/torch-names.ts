/**
 * The names and layouts of an encoder's variables in its PyTorch twin (bench/reference/models.py):
 * `backbone/conv2/bn/gamma` is `backbone.body.2.1.weight` there. Conv kernels are
 * [height, width, in, out] here and [out, in, height, width] there; linear kernels [in, out] here
 * and [out, in] there; BatchNorm's gamma and beta are its weight and bias. The twin's layer numbers
 * follow from the backbones' own layouts (alexnetLayers, resnetStages).
 */
import * as tf from '@tensorflow/tfjs-core';
import { alexnetLayers } from './backbones/alexnet.ts';
import { resnetStages } from './backbones/resnet.ts';

/** Backbones with a PyTorch twin in bench/reference/models.py. */
export const torchTwinKinds = ['alexnet', 'resnet18', 'resnet34'] as const;
export type TorchTwinKind = (typeof torchTwinKinds)[number];

export function hasTorchTwin(kind: string): kind is TorchTwinKind {
  return (torchTwinKinds as readonly string[]).includes(kind);
}

export type TorchLayout = 'conv' | 'linear' | 'same';

export interface TorchName {
  name: string;
  layout: TorchLayout;
}

/** Module index in the twin's `nn.Sequential` of each rekd module prefix (`conv1`, `stem`, `layer2.0`). */
function bodyIndex(kind: TorchTwinKind, module: string): number | undefined {
  if (kind === 'alexnet') {
    let index = 0;
    for (const [i, layer] of alexnetLayers.entries()) {
      if (module === `conv${i + 1}`) return index;
      index += layer.pool ? 2 : 1;
    }
    return undefined;
  }
  if (module === 'stem') return 0;
  let index = 1;
  for (const [stage, count] of resnetStages[kind].entries()) {
    for (let block = 0; block < count; block++, index++) if (module === `layer${stage + 1}.${block}`) return index;
  }
  return undefined;
}

/** conv -> 0, bn -> 1: the twin's conv_bn_relu and its blocks' Sequentials. */
const convBnPosition: Record<string, number> = { conv: 0, bn: 1 };

/** A parameter's name in the twin and its layout, from its module and rekd's parameter name. */
function parameter(module: string, part: 'conv' | 'bn' | 'linear', param: string): TorchName | undefined {
  const renamed: Record<string, Record<string, TorchName>> = {
    conv: { kernel: { name: 'weight', layout: 'conv' } },
    bn: {
      gamma: { name: 'weight', layout: 'same' }, beta: { name: 'bias', layout: 'same' },
      running_mean: { name: 'running_mean', layout: 'same' }, running_var: { name: 'running_var', layout: 'same' },
    },
    linear: { kernel: { name: 'weight', layout: 'linear' }, bias: { name: 'bias', layout: 'same' } },
  };
  const found = renamed[part][param];
  return found && { name: `${module}.${found.name}`, layout: found.layout };
}

/** The twin's name of the encoder variable `name` (as Encoder.state() names it), or undefined when it has none. */
export function torchNameOf(kind: TorchTwinKind, name: string): TorchName | undefined {
  const head = /^head\/(fc1|bn|fc2)\/(\w+)$/.exec(name);
  if (head) {
    const [, layer, param] = head;
    return parameter(`head.${{ fc1: 0, bn: 1, fc2: 3 }[layer]}`, layer === 'bn' ? 'bn' : 'linear', param);
  }
  const backbone = /^backbone\/([\w.]+?)(?:\/(conv1|conv2|shortcut))?\/(conv|bn)\/(\w+)$/.exec(name);
  if (!backbone) return undefined;
  const [, module, inner, part, param] = backbone;
  const index = bodyIndex(kind, module);
  if (index === undefined || (inner !== undefined) !== module.startsWith('layer')) return undefined;
  const path = ['backbone.body', index, ...(inner ? [inner] : []), convBnPosition[part]].join('.');
  return parameter(path, part as 'conv' | 'bn', param);
}

/** The shape a tensor of `layout` has in the twin, given its shape here. */
export function torchShape(shape: readonly number[], layout: TorchLayout): number[] {
  if (layout === 'conv') return [shape[3], shape[2], shape[0], shape[1]];
  if (layout === 'linear') return [shape[1], shape[0]];
  return [...shape];
}

/** A tensor in the twin's layout (a new tensor the caller disposes). */
export function toTorchLayout(tensor: tf.Tensor, layout: TorchLayout): tf.Tensor {
  if (layout === 'conv') return tf.transpose(tensor, [3, 2, 0, 1]);
  if (layout === 'linear') return tf.transpose(tensor, [1, 0]);
  return tf.clone(tensor);
}

/** A tensor of the twin in rekd's layout (a new tensor the caller disposes). */
export function fromTorchLayout(tensor: tf.Tensor, layout: TorchLayout): tf.Tensor {
  if (layout === 'conv') return tf.transpose(tensor, [2, 3, 1, 0]);
  if (layout === 'linear') return tf.transpose(tensor, [1, 0]);
  return tf.clone(tensor);
}
