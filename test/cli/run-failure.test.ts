/**
 * A run that stops on an error at setup, after its folder exists: an offline teacher's file that
 * does not fit the teacher. The folder says why (status.json `failed` with the message, report.md),
 * and the message gives each encoder's true projection width (`hidden = 0` is 2 x the feature width).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { runId } from '../../src/codegen/hash.ts';
import { compileSource } from '../../src/compiler.ts';
import { initBackend } from '../../src/runtime/backend.ts';
import { withPrefix } from '../../src/runtime/checkpoint.ts';
import { createEncoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { TEACHER_FILE_FORMAT, writeTeacherFile } from '../../src/runtime/train/teacher-file.ts';
import { tinyExperiment } from '../grid/fixture.ts';
import { rekdcIn } from './rekdc-child.ts';

describe('a run that fails at setup', function () {
  this.timeout(120_000);
  let cwd: string;
  before(async () => {
    await initBackend('wasm');
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-run-failure-'));
  });
  after(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('records failed and why in status.json and report.md, and names each encoder\'s true hidden width', async () => {
    // The file holds an alexnet of width 0.25; the experiment's teacher is one of width 0.125.
    const filed = createEncoder({ kind: 'alexnet', width: 0.25, embed: 8, inChannels: 1, rng: new Rng(1) });
    const expected = createEncoder({ kind: 'alexnet', width: 0.125, embed: 8, inChannels: 1, rng: new Rng(1) });
    await writeTeacherFile(path.join(cwd, 'wide.teacher.ckpt'), withPrefix('model/student', filed.state()), {
      format: TEACHER_FILE_FORMAT, source: 'run', name: 'wide', encoder: { kind: 'alexnet', width: 0.25, embed: 8, hidden: 0 },
      recipe: {}, eval: {}, trained: { step: 0, epoch: 0 },
    });
    const [filedHidden, expectedHidden] = [2 * filed.featureDim, 2 * expected.featureDim];
    tf.dispose([...filed.state().values(), ...expected.state().values()]);
    const text = tinyExperiment('teacher alexnet { width = 0.125, embed = 8, mode = offline, checkpoint = "wide.teacher.ckpt" }\n' +
      'loss { instance moco { queue = 32 } relation rekd { prototypes = 3 } }\noptimizer sgd {}\nschedule cosine { epochs = 1 }');
    fs.writeFileSync(path.join(cwd, 'tiny.rekd'), text);
    const dir = path.join('runs', `tiny-${runId(compileSource(text, 'tiny.rekd').experiments.get('tiny')!)}`);

    const outcome = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(outcome.code, outcome.stderr).to.equal(1);
    const [line] = outcome.stderr.split('\n').filter((l) => l.startsWith('error: '));
    const message = line.slice('error: '.length);
    expect(message).to.include(`does not fit the teacher alexnet (width 0.125, embed 8, hidden ${expectedHidden}, input channels 1)`)
      .and.include(`holds the teacher alexnet (width 0.25, embed 8, hidden ${filedHidden}), `);
    const status = JSON.parse(fs.readFileSync(path.join(cwd, dir, 'status.json'), 'utf8'));
    expect(status).to.include({ state: 'failed', step: 0, message });
    expect(fs.readFileSync(path.join(cwd, dir, 'report.md'), 'utf8')).to.match(new RegExp(`Status: failed at step 0, epoch 0 \\([^)]+\\): `))
      .and.include(message);

    const report = await rekdcIn(cwd, 'report', dir);
    expect(report.code, report.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(cwd, dir, 'report.md'), 'utf8')).to.include(`Status: failed`).and.include(message);
  });
});
