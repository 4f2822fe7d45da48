import { expect } from 'chai';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { loadCheckpoint } from '../../src/runtime/checkpoint.ts';
import { createEncoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { loadTeacherWeights } from '../../src/runtime/train/teacher.ts';

/** Files written by the REKDCKPT writer before checkpoints became safetensors (see the fixtures' README). */
const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'checkpoints');
/** The fixtures' float values: tensor k holds sin(0.37 i + k) / 4 (written in float32). */
const pattern = (n: number, k: number) => Array.from(Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + k) / 4));

describe('checkpoints of the first format (REKDCKPT version 2)', () => {
  before(() => initBackend('cpu', { log: () => {} }));

  it('a training checkpoint loads with its values and metadata', () => {
    const { tensors, metadata, origin } = loadCheckpoint(path.join(fixtures, 'rekdckpt-v2-training.ckpt'));
    expect(origin).to.equal('rekd');
    expect(metadata).to.deep.equal({
      step: 12, loader: { epoch: 2, batch: 1, seed: 5 }, optimizer: { updates: 12 }, bestKnn: 0.25,
      pieces: { queue: { count: 3, rng: [1, 2, 3, 4] } },
    });
    expect(Object.keys(tensors).sort()).to.deep.equal(['model/student/w', 'optimizer/student/w/momentum', 'queue/labels']);
    expect(tensors['model/student/w'].shape).to.deep.equal([2, 3]);
    expect(Array.from(tensors['model/student/w'].dataSync())).to.deep.equal(pattern(6, 1));
    expect(Array.from(tensors['optimizer/student/w/momentum'].dataSync())).to.deep.equal(pattern(6, 2));
    expect(tensors['queue/labels'].dtype).to.equal('int32');
    expect(Array.from(tensors['queue/labels'].dataSync())).to.deep.equal([3, -1, 7]);
    tf.dispose(Object.values(tensors));
  });

  it('a teacher file loads into an offline teacher of its encoder', () => {
    const encoder = createEncoder({ kind: 'alexnet', width: 0.125, embed: 8, inChannels: 1, rng: new Rng(1), trainable: false });
    const logged: string[] = [];
    loadTeacherWeights(encoder, path.join(fixtures, 'rekdckpt-v2-teacher.ckpt'), (line) => logged.push(line));
    expect(logged.join('\n')).to.contain('(fixture)');
    const variables = [...encoder.state().values()];
    expect(variables).to.have.length(32);
    variables.forEach((variable, k) => expect(Array.from(variable.dataSync()), String(k)).to.deep.equal(pattern(variable.size, k)));
    encoder.dispose();
  });
});
