import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngState } from '../../src/runtime/random.ts';
import {
  CheckpointError, checkpointMetadata, loadCheckpoint, restoreVariables, saveCheckpoint, withPrefix,
} from '../../src/runtime/checkpoint.ts';
import { createEncoder, createMomentumCopy, type Encoder } from '../../src/runtime/nn/index.ts';
import { createSgd, type Optimizer } from '../../src/runtime/optim/index.ts';
import { initTrainingBackend, randomImages, trainStep } from './nn-training-step.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-checkpoint-'));
}

describe('checkpoints', () => {
  before(initTrainingBackend);

  it('round-trips float32 and int32 tensors and JSON metadata, leaving no temp file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'latest.ckpt');
    const weights = tf.tensor2d([[1.5, -2], [3, 0.25]]);
    const labels = tf.tensor1d([3, -1, 7], 'int32');
    await saveCheckpoint(file, { 'student/w': weights, 'queue/labels': labels }, { step: 12, rng: [1, 2, 3, 4] });
    expect(fs.readdirSync(dir)).to.deep.equal(['latest.ckpt']);
    const { tensors, metadata } = loadCheckpoint(file);
    expect(metadata).to.deep.equal({ step: 12, rng: [1, 2, 3, 4] });
    expect(tensors['student/w'].shape).to.deep.equal([2, 2]);
    expect(Array.from(tensors['student/w'].dataSync())).to.deep.equal([1.5, -2, 3, 0.25]);
    expect(tensors['queue/labels'].dtype).to.equal('int32');
    expect(Array.from(tensors['queue/labels'].dataSync())).to.deep.equal([3, -1, 7]);
    tf.dispose([weights, labels, ...Object.values(tensors)]);
  });

  it('refuses files that are not checkpoints or are truncated, naming the file', async () => {
    const dir = tempDir();
    const other = path.join(dir, 'notes.txt');
    fs.writeFileSync(other, 'hello, this is not a checkpoint');
    expect(() => loadCheckpoint(other)).to.throw(CheckpointError, `${other} is not a rekd checkpoint (neither safetensors nor REKDCKPT)`);
    const file = path.join(dir, 'cut.ckpt');
    const values = tf.ones([100]);
    await saveCheckpoint(file, { values });
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 8);
    expect(() => loadCheckpoint(file)).to.throw(CheckpointError, `checkpoint ${file} is truncated (${size - 8} of ${size} bytes)`);
    fs.truncateSync(file, 40);
    expect(() => loadCheckpoint(file)).to.throw(CheckpointError, `checkpoint ${file} is truncated (inside its header)`);
    expect(() => loadCheckpoint(path.join(dir, 'missing.ckpt'))).to.throw(CheckpointError, /cannot read checkpoint/);
    values.dispose();
  });

  describe('detects damage that keeps the file structure', () => {
    const failsChecksum = (file: string) => `checkpoint ${file} fails its checksum (changed on disk after it was written)`;
    let file: string;
    let bytes: Buffer;
    beforeEach(async () => {
      file = path.join(tempDir(), 'latest.ckpt');
      const weights = tf.tensor1d([0.5, 1.5, -2, 4]);
      await saveCheckpoint(file, { weights }, { step: 12 });
      weights.dispose();
      bytes = fs.readFileSync(file);
      expect(checkpointMetadata(file)).to.deep.equal({ step: 12 });
    });
    /** Offset of the tensor data: 4 float32 values end the file. */
    const dataStart = () => bytes.length - 16;

    it('one flipped bit in the tensor data', () => {
      bytes[dataStart() + 5] ^= 0x10;
      fs.writeFileSync(file, bytes);
      expect(() => loadCheckpoint(file)).to.throw(CheckpointError, failsChecksum(file));
      expect(() => checkpointMetadata(file)).to.throw(CheckpointError, failsChecksum(file));
    });

    it('NaN written over a value', () => {
      Buffer.from(new Float32Array([NaN]).buffer).copy(bytes, dataStart() + 4);
      fs.writeFileSync(file, bytes);
      expect(() => loadCheckpoint(file)).to.throw(CheckpointError, failsChecksum(file));
    });

    it('a changed step in the header (same length, still valid JSON)', () => {
      fs.writeFileSync(file, Buffer.from(bytes.toString('latin1').replace('"step":"12"', '"step":"13"'), 'latin1'));
      expect(() => loadCheckpoint(file)).to.throw(CheckpointError, failsChecksum(file));
    });

    it('bytes appended after the data', () => {
      fs.appendFileSync(file, 'junk');
      expect(() => loadCheckpoint(file)).to.throw(CheckpointError, `checkpoint ${file} has 4 bytes more than its header describes`);
    });
  });

  it('still reads a version 1 checkpoint (written before checksums)', () => {
    const header = Buffer.from(JSON.stringify({ metadata: { step: 3 }, tensors: [{ name: 'w', dtype: 'float32', shape: [2], offset: 0, bytes: 8 }] }));
    const prefix = Buffer.alloc(16);
    prefix.write('REKDCKPT', 'ascii');
    prefix.writeUInt32LE(1, 8);
    prefix.writeUInt32LE(header.length, 12);
    const file = path.join(tempDir(), 'old.ckpt');
    fs.writeFileSync(file, Buffer.concat([prefix, header, Buffer.from(new Float32Array([1, -1]).buffer)]));
    const { tensors, metadata } = loadCheckpoint(file);
    expect(metadata).to.deep.equal({ step: 3 });
    expect(Array.from(tensors.w.dataSync())).to.deep.equal([1, -1]);
    tf.dispose(Object.values(tensors));
  });

  it('reports every name and shape mismatch when restoring, and assigns nothing then', () => {
    const a = tf.variable(tf.zeros([2])), b = tf.variable(tf.zeros([3])), c = tf.variable(tf.zeros([1]));
    const variables = new Map([['a', a], ['b', b], ['c', c]]);
    const stored = { 'm/a': tf.ones([2]), 'm/b': tf.ones([4]), 'm/extra': tf.ones([1]), 'other/x': tf.ones([1]) };
    expect(() => restoreVariables(variables, stored, 'm')).to.throw(CheckpointError,
      "checkpoint does not match (m): 'm/b' has shape [4], the model expects [3]; missing 'm/c'; "
      + "unexpected 'm/extra' (no such variable in the model)");
    expect(Array.from(a.dataSync())).to.deep.equal([0, 0]);
    tf.dispose([a, b, c, ...Object.values(stored)]);
  });

  it('4 training steps equal 2 steps + save + load into fresh models + 2 steps, exactly', async () => {
    interface Run { student: Encoder; key: Encoder; optimizer: Optimizer; data: Rng }
    const start = (seed: number): Run => {
      const student = createEncoder({ kind: 'alexnet', width: 0.125, embed: 8, rng: new Rng(seed) });
      return {
        student, key: createMomentumCopy(student),
        optimizer: createSgd(student.trainableVariables(), { momentum: 0.9, nesterov: true, weightDecay: 5e-4 }),
        data: new Rng(seed + 1),
      };
    };
    const steps = (run: Run, count: number) => {
      for (let i = 0; i < count; i++) {
        const images = randomImages(run.data, [4, 16, 16, 1]);
        trainStep(run.student, run.key, run.optimizer, images, 0.05);
        images.dispose();
      }
    };
    const everything = (run: Run) => ({
      ...withPrefix('student', run.student.state()),
      ...withPrefix('key', run.key.state()),
      ...withPrefix('optimizer', run.optimizer.slots()),
    });
    const snapshot = (run: Run) => Object.fromEntries(
      Object.entries(everything(run)).map(([name, t]) => [name, Array.from(t.dataSync())]));
    const dispose = (run: Run) => { run.student.dispose(); run.key.dispose(); run.optimizer.dispose(); };

    const straight = start(21);
    steps(straight, 4);
    const expected = snapshot(straight);
    dispose(straight);

    const file = path.join(tempDir(), 'mid.ckpt');
    const first = start(21);
    steps(first, 2);
    await saveCheckpoint(file, everything(first), { data: first.data.getState(), optimizer: first.optimizer.getState() });
    dispose(first);

    const resumed = start(99); // different initial weights and data stream, all overwritten by the load
    const { tensors, metadata } = loadCheckpoint<{ data: RngState; optimizer: { updates: number } }>(file);
    restoreVariables(resumed.student.state(), tensors, 'student');
    restoreVariables(resumed.key.state(), tensors, 'key');
    restoreVariables(resumed.optimizer.slots(), tensors, 'optimizer');
    resumed.data.setState(metadata.data);
    resumed.optimizer.setState(metadata.optimizer);
    tf.dispose(Object.values(tensors));
    steps(resumed, 2);
    const actual = snapshot(resumed);
    dispose(resumed);

    expect(Object.keys(actual)).to.deep.equal(Object.keys(expected));
    for (const name of Object.keys(expected)) expect(actual[name], name).to.deep.equal(expected[name]);
  });
});
