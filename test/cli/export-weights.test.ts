/**
 * `rekdc export-weights`'s line: the encoder in plain English and a loader path that exists from
 * where the user is (the file ships with the package: test/package.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { withPrefix } from '../../src/runtime/checkpoint.ts';
import { createEncoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { TEACHER_FILE_FORMAT, writeTeacherFile } from '../../src/runtime/train/teacher-file.ts';
import { rekdcHere } from './capture.ts';

describe('rekdc export-weights', () => {
  let scratch: string;
  before(async () => {
    await initBackend('wasm');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-export-weights-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('names the encoder with its article and hidden width, and a loader that exists from the working directory', async () => {
    const encoder = createEncoder({ kind: 'alexnet', width: 0.125, embed: 8, inChannels: 1, rng: new Rng(1) });
    const tensors = encoder.state().size;
    const hidden = 2 * encoder.featureDim;
    await writeTeacherFile(path.join(scratch, 'a.teacher.ckpt'), withPrefix('model/student', encoder.state()), {
      format: TEACHER_FILE_FORMAT, source: 'run', name: 'a', encoder: { kind: 'alexnet', width: 0.125, embed: 8, hidden: 0 },
      recipe: {}, eval: {}, trained: { step: 0, epoch: 0 },
    });
    tf.dispose([...encoder.state().values()]);
    const exported = await rekdcHere(['export-weights', 'a.teacher.ckpt', '--to', 'torch'], { cwd: scratch });
    expect(exported.code, exported.stderr).to.equal(0);
    const line = new RegExp(`^wrote a\\.torch\\.safetensors: ${tensors} tensors of an alexnet \\(width 0\\.125, embed 8, hidden ${hidden}, input channels 1\\) ` +
      'under PyTorch names; load it with (\\S+) \\(load_encoder\\)\\n$');
    const match = line.exec(exported.stdout);
    expect(match, exported.stdout).to.not.equal(null);
    expect(match![1]).to.match(/bench\/reference\/rekd_torch\.py$/);
    expect(fs.existsSync(path.resolve(scratch, match![1])), match![1]).to.equal(true);
  });
});
