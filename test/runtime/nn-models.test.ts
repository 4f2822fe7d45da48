import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import {
  backboneKinds, createBackbone, createEncoder, createMomentumCopy, describeModel, momentumUpdate,
  type BackboneKind, type MobileNetV3Variant,
} from '../../src/runtime/nn/index.ts';

/** conv k x k without bias + BatchNorm (scale and shift). */
const convBnParams = (k: number, inC: number, outC: number) => k * k * inC * outC + 2 * outC;

function paramCount(kind: BackboneKind, width: number, inChannels: number, variant: MobileNetV3Variant = 'small'): number {
  const backbone = createBackbone(kind, { width, inChannels, variant, rng: new Rng(0) });
  const { params } = describeModel(backbone, [28, 28, inChannels]);
  backbone.dispose();
  return params;
}

function flatValues(variables: Map<string, tf.Variable>): number[] {
  return [...variables.values()].flatMap((v) => Array.from(v.dataSync()));
}

describe('nn models', () => {
  before(async () => { await initBackend('wasm'); });

  it('alexnet has the parameter count derived by hand (width 0.5, grey input)', () => {
    // Channels 64, 192, 384, 256, 256 halved; kernels 5, 5, 3, 3, 3.
    const expected = convBnParams(5, 1, 32) + convBnParams(5, 32, 96) + convBnParams(3, 96, 192)
      + convBnParams(3, 192, 128) + convBnParams(3, 128, 128);
    expect(expected).to.equal(613_280);
    expect(paramCount('alexnet', 0.5, 1)).to.equal(expected);
  });

  it('resnet18 and resnet34 have the parameter counts derived by hand', () => {
    const resnet = (blocks: number[], width: number, inC: number) => {
      let channels = 64 * width;
      let total = convBnParams(3, inC, channels);
      blocks.forEach((count, stage) => {
        const out = 64 * 2 ** stage * width;
        for (let i = 0; i < count; i++) {
          total += convBnParams(3, channels, out) + convBnParams(3, out, out);
          if (channels !== out) total += convBnParams(1, channels, out);
          channels = out;
        }
      });
      return total;
    };
    // The CIFAR ResNet-18 (11,173,962 parameters with its 512 x 10 classifier) minus that classifier.
    expect(resnet([2, 2, 2, 2], 1, 3)).to.equal(11_173_962 - 5_130);
    expect(paramCount('resnet18', 1, 3)).to.equal(resnet([2, 2, 2, 2], 1, 3));
    expect(paramCount('resnet34', 0.25, 1)).to.equal(resnet([3, 4, 6, 3], 0.25, 1));
  });

  it('the mobile backbones match torchvision parameter counts minus their classifiers (width 1, RGB)', () => {
    // torchvision totals (ImageNet, 1000 classes) minus the classifier layers; our stride changes
    // for small input do not change parameter counts.
    expect(paramCount('mobilenetv2', 1, 3)).to.equal(3_504_872 - (1280 * 1000 + 1000));
    expect(paramCount('mobilenetv3', 1, 3, 'small')).to.equal(2_542_856 - (576 * 1024 + 1024) - (1024 * 1000 + 1000));
    expect(paramCount('mobilenetv3', 1, 3, 'large')).to.equal(5_483_032 - (960 * 1280 + 1280) - (1280 * 1000 + 1000));
    expect(paramCount('shufflenetv2', 1, 3)).to.equal(2_278_604 - (1024 * 1000 + 1000));
    expect(paramCount('efficientnet_b0', 1, 3)).to.equal(5_288_548 - (1280 * 1000 + 1000));
  });

  for (const kind of backboneKinds) {
    it(`${kind} maps 28x28x1 and 32x32x3 batches to finite pooled features`, () => {
      for (const [size, inChannels] of [[28, 1], [32, 3]]) {
        const backbone = createBackbone(kind, { width: 0.25, inChannels, rng: new Rng(1) });
        const features = backbone.forward(tf.randomNormal([2, size, size, inChannels], 0, 1, 'float32', 3), false);
        expect(features.shape).to.deep.equal([2, backbone.featureDim]);
        for (const v of features.dataSync()) expect(Number.isFinite(v)).to.equal(true);
        features.dispose();
        backbone.dispose();
      }
    });
  }

  it('encoders give normalised embeddings and a 2 x feature-width hidden layer by default', () => {
    const encoder = createEncoder({ kind: 'alexnet', width: 0.25, embed: 16, rng: new Rng(2) });
    const x = tf.randomNormal<tf.Rank.R4>([3, 28, 28, 1], 0, 1, 'float32', 4);
    const { features, embedding } = encoder.forward(x, false);
    expect(features.shape).to.deep.equal([3, encoder.featureDim]);
    expect(embedding.shape).to.deep.equal([3, 16]);
    expect(Array.from(tf.norm(embedding, 'euclidean', 1).dataSync()).every((n) => Math.abs(n - 1) < 1e-5)).to.equal(true);
    expect(encoder.trainableVariables().get('head/fc1/kernel')!.shape).to.deep.equal([encoder.featureDim, 2 * encoder.featureDim]);
    expect(encoder.config).to.deep.include({ kind: 'alexnet', width: 0.25, embed: 16, hidden: 2 * encoder.featureDim });
    tf.dispose([x, features, embedding]);
    encoder.dispose();
  });

  it('rejects unknown kinds and bad shapes with the bad value', () => {
    const rng = new Rng(0);
    expect(() => createBackbone('vgg16' as BackboneKind, { rng })).to.throw(/unknown backbone 'vgg16' \(known: alexnet, /);
    expect(() => createBackbone('alexnet', { inChannels: 2, rng })).to.throw(/inChannels must be 1 or 3, got 2/);
    expect(() => createEncoder({ kind: 'alexnet', width: 0.25, embed: 0, rng })).to.throw(/embed must be a positive integer, got 0/);
  });

  it('initialises deterministically from the seed, and successive encoders differ', () => {
    const make = (rng: Rng) => createEncoder({ kind: 'mobilenetv3', width: 0.25, embed: 8, rng });
    const a = make(new Rng(5)), b = make(new Rng(5));
    const other = new Rng(6);
    const c = make(other), d = make(other);
    expect(flatValues(b.state())).to.deep.equal(flatValues(a.state()));
    expect(flatValues(c.state())).to.not.deep.equal(flatValues(a.state()));
    expect(flatValues(d.state())).to.not.deep.equal(flatValues(c.state()));
    for (const e of [a, b, c, d]) e.dispose();
  });

  it('momentum copies start equal and move by θk <- m θk + (1 - m) θs, copying running statistics', () => {
    const source = createEncoder({ kind: 'resnet18', width: 0.125, embed: 8, rng: new Rng(7) });
    const copy = createMomentumCopy(source);
    expect(flatValues(copy.state())).to.deep.equal(flatValues(source.state()));
    expect(copy.trainableVariables().get('head/fc2/kernel')!.trainable).to.equal(false);
    const before = flatValues(copy.trainableVariables());
    // Change the source: shift every trained variable by 1 and move the BN statistics (train mode).
    for (const v of source.trainableVariables().values()) v.assign(tf.tidy(() => tf.add(v, 1)));
    tf.tidy(() => { source.forward(tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 8), true); });
    momentumUpdate(copy, source, 0.9);
    const after = flatValues(copy.trainableVariables());
    const worst = after.reduce((most, v, i) => Math.max(most, Math.abs(v - (before[i] + 0.1))), 0);
    expect(worst).to.be.lessThan(1e-5);
    const stat = 'backbone/stem/bn/running_mean';
    expect(Array.from(copy.state().get(stat)!.dataSync())).to.deep.equal(Array.from(source.state().get(stat)!.dataSync()));
    source.dispose();
    copy.dispose();
  });

  it('describes parameters and multiply-adds per image (quickstart widths, 28x28x1)', () => {
    const rows: [BackboneKind, number, MobileNetV3Variant?][] = [
      ['alexnet', 0.5], ['resnet18', 0.25], ['resnet18', 0.5], ['resnet34', 0.25], ['mobilenetv2', 0.5],
      ['mobilenetv3', 1, 'small'], ['mobilenetv3', 0.5, 'large'], ['shufflenetv2', 0.5], ['efficientnet_b0', 0.5],
    ];
    const lines = ['model              width  features  params (encoder)  MFLOPs/image'];
    for (const [kind, width, variant] of rows) {
      const encoder = createEncoder({ kind, width, variant, embed: 128, rng: new Rng(0) });
      const { params, macs, flops } = describeModel(encoder, [28, 28, 1]);
      expect(flops).to.equal(2 * macs);
      expect(params).to.be.greaterThan(0);
      const name = variant ? `${kind}-${variant}` : kind;
      lines.push(`${name.padEnd(19)}${String(width).padEnd(7)}${String(encoder.featureDim).padEnd(10)}`
        + `${params.toLocaleString('en').padEnd(18)}${(flops / 1e6).toFixed(1)}`);
      encoder.dispose();
    }
    console.log(`\n${lines.join('\n')}`);
  });
});
