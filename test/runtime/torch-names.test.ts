/**
 * The PyTorch names and layouts of every backbone's variables (src/runtime/nn/torch-names.ts),
 * without Python: each variable named once, layouts that invert, and the names the twins in
 * bench/reference/models.py give their modules (torch-weights.test.ts loads them in PyTorch).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { backboneKinds } from '../../src/runtime/nn/backbones/index.ts';
import { createEncoder, type EncoderConfig } from '../../src/runtime/nn/index.ts';
import { fromTorchLayout, torchNameOf, torchShape, toTorchLayout } from '../../src/runtime/nn/torch-names.ts';
import { Rng } from '../../src/runtime/random.ts';

const configs: EncoderConfig[] = [
  ...backboneKinds.map((kind) => ({ kind, width: 0.125, embed: 8, inChannels: 3 })),
  { kind: 'mobilenetv3', variant: 'large', width: 0.125, embed: 8, inChannels: 3 },
];

describe('PyTorch names of encoder variables', () => {
  before(async () => {
    await initBackend('cpu', { log: () => {} });
  });

  for (const config of configs) {
    it(`names every ${config.kind}${config.variant ? ` (${config.variant})` : ''} variable once, in a layout that inverts`, () => {
      const encoder = createEncoder({ ...config, rng: new Rng(2) });
      const names = new Set<string>();
      for (const [name, variable] of encoder.state()) {
        const twin = torchNameOf(config.kind, name);
        expect(twin, name).not.to.equal(undefined);
        expect(twin!.name, name).to.match(/^(backbone\.body|head)\.[\w.]+\.(weight|bias|running_mean|running_var)$/);
        names.add(twin!.name);
        const [there, back] = tf.tidy(() => {
          const converted = toTorchLayout(variable, twin!.layout);
          return [converted, fromTorchLayout(converted, twin!.layout)];
        });
        expect(there.shape, name).to.deep.equal(torchShape(variable.shape, twin!.layout));
        expect(Array.from(back.dataSync()), name).to.deep.equal(Array.from(variable.dataSync()));
        tf.dispose([there, back]);
      }
      expect(names.size).to.equal(encoder.state().size);
      encoder.dispose();
    });
  }

  it('numbers alexnet\'s and the resnets\' top-level modules and keeps the other backbones\' names', () => {
    const cases: [EncoderConfig['kind'], string, string, string][] = [
      ['alexnet', 'backbone/conv2/bn/gamma', 'backbone.body.2.1.weight', 'same'],
      ['resnet18', 'backbone/layer2.0/shortcut/conv/kernel', 'backbone.body.3.shortcut.0.weight', 'conv'],
      ['resnet34', 'backbone/layer3.0/conv1/bn/running_var', 'backbone.body.8.conv1.1.running_var', 'same'],
      ['mobilenetv2', 'backbone/stage2.0/depthwise/conv/kernel', 'backbone.body.stage2_0.depthwise.0.weight', 'depthwise'],
      ['mobilenetv3', 'backbone/block1/se/reduce/kernel', 'backbone.body.block1.se.reduce.weight', 'linear'],
      ['efficientnet_b0', 'backbone/head/conv/kernel', 'backbone.body.head.0.weight', 'conv'],
      ['shufflenetv2', 'backbone/stage3.0/branch1/dw/bn/beta', 'backbone.body.stage3_0.branch1.dw.1.bias', 'same'],
      ['shufflenetv2', 'head/fc2/bias', 'head.3.bias', 'same'],
    ];
    for (const [kind, name, torchName, layout] of cases) expect(torchNameOf(kind, name), name).to.deep.equal({ name: torchName, layout });
    for (const name of ['backbone/stem/conv/bias', 'backbone/conv9/conv/kernel', 'queue/labels', 'backbone/block1/se/reduce/gamma']) {
      expect(torchNameOf(name.includes('conv9') ? 'alexnet' : 'mobilenetv3', name), name).to.equal(undefined);
    }
  });
});
