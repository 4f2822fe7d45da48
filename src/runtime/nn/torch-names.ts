/**
 * The names and layouts of an encoder's variables in its PyTorch twin (bench/reference/models.py):
 * `backbone/conv2/bn/gamma` is `backbone.body.2.1.weight` there. Conv kernels are
 * [height, width, in, out] here and [out, in, height, width] there (depthwise ones [h, w, C, 1]
 * and [C, 1, h, w]); linear kernels [in, out] here and [out, in] there; BatchNorm's gamma and beta
 * are its weight and bias. Inside each top-level module the twin keeps rekd's module names, with a
 * conv-BatchNorm unit's conv as its `0` and BatchNorm as its `1`. The top-level modules of alexnet
 * and the resnets are numbered in the twin's `nn.Sequential` (from alexnetLayers, resnetStages);
 * the other backbones' keep their names, `.` written `_` (`stage2.0` is `stage2_0`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { alexnetLayers } from './backbones/alexnet.ts';
import { backboneKinds, type BackboneKind } from './backbones/index.ts';
import { resnetStages } from './backbones/resnet.ts';

/** Backbones with a PyTorch twin in bench/reference/models.py: all of them. */
export const torchTwinKinds = backboneKinds;
export type TorchTwinKind = BackboneKind;

export function hasTorchTwin(kind: string): kind is TorchTwinKind {
  return (torchTwinKinds as readonly string[]).includes(kind);
}

export type TorchLayout = 'conv' | 'depthwise' | 'linear' | 'same';

export interface TorchName {
  name: string;
  layout: TorchLayout;
}

/** The twin's name under `backbone.body` of a top-level backbone module (`conv1`, `stem`, `layer2.0`, `stage2.0`). */
function bodyModule(kind: TorchTwinKind, module: string): string | undefined {
  if (kind === 'alexnet') {
    let index = 0;
    for (const [i, layer] of alexnetLayers.entries()) {
      if (module === `conv${i + 1}`) return String(index);
      index += layer.pool ? 2 : 1;
    }
    return undefined;
  }
  if (kind === 'resnet18' || kind === 'resnet34') {
    if (module === 'stem') return '0';
    let index = 1;
    for (const [stage, count] of resnetStages[kind].entries()) {
      for (let block = 0; block < count; block++, index++) if (module === `layer${stage + 1}.${block}`) return String(index);
    }
    return undefined;
  }
  return module.replaceAll('.', '_');
}

/** Modules whose conv is depthwise, one filter per channel (inverted-residual.ts, shufflenetv2.ts). */
const depthwiseModules = new Set(['depthwise', 'dw']);

type Part = 'conv' | 'depthwise' | 'bn' | 'linear';

/** A conv-BatchNorm unit's modules by their position in the twin's nn.Sequential. */
const unitPosition: Record<string, string> = { conv: '0', bn: '1' };

const renamed: Record<Part, Record<string, TorchName>> = {
  conv: { kernel: { name: 'weight', layout: 'conv' } },
  depthwise: { kernel: { name: 'weight', layout: 'depthwise' } },
  bn: {
    gamma: { name: 'weight', layout: 'same' }, beta: { name: 'bias', layout: 'same' },
    running_mean: { name: 'running_mean', layout: 'same' }, running_var: { name: 'running_var', layout: 'same' },
  },
  linear: { kernel: { name: 'weight', layout: 'linear' }, bias: { name: 'bias', layout: 'same' } },
};

/** A parameter's name in the twin and its layout, from its module and rekd's parameter name. */
function parameter(module: string, part: Part, param: string): TorchName | undefined {
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
  const [root, module, ...inner] = name.split('/');
  const param = inner.pop();
  const body = module === undefined ? undefined : bodyModule(kind, module);
  if (root !== 'backbone' || body === undefined || param === undefined) return undefined;
  const last = inner.at(-1);
  const parent = inner.at(-2) ?? '';
  // The leaf module: a conv-BatchNorm unit's conv or BatchNorm, or a squeeze-excitation's linear layer.
  const part: Part | undefined = last === 'conv' ? (depthwiseModules.has(parent) ? 'depthwise' : 'conv')
    : last === 'bn' ? 'bn'
    : parent === 'se' ? 'linear' : undefined;
  if (!part) return undefined;
  const path = ['backbone.body', body, ...inner.map((segment) => unitPosition[segment] ?? segment)];
  return parameter(path.join('.'), part, param);
}

/** The shape a tensor of `layout` has in the twin, given its shape here. */
export function torchShape(shape: readonly number[], layout: TorchLayout): number[] {
  if (layout === 'conv') return [shape[3], shape[2], shape[0], shape[1]];
  if (layout === 'depthwise') return [shape[2], shape[3], shape[0], shape[1]];
  if (layout === 'linear') return [shape[1], shape[0]];
  return [...shape];
}

/** A tensor in the twin's layout (a new tensor the caller disposes). */
export function toTorchLayout(tensor: tf.Tensor, layout: TorchLayout): tf.Tensor {
  if (layout === 'conv') return tf.transpose(tensor, [3, 2, 0, 1]);
  if (layout === 'depthwise') return tf.transpose(tensor, [2, 3, 0, 1]);
  if (layout === 'linear') return tf.transpose(tensor, [1, 0]);
  return tf.clone(tensor);
}

/** A tensor of the twin in rekd's layout (a new tensor the caller disposes). */
export function fromTorchLayout(tensor: tf.Tensor, layout: TorchLayout): tf.Tensor {
  if (layout === 'conv') return tf.transpose(tensor, [2, 3, 1, 0]);
  if (layout === 'depthwise') return tf.transpose(tensor, [2, 3, 0, 1]);
  if (layout === 'linear') return tf.transpose(tensor, [1, 0]);
  return tf.clone(tensor);
}
