/**
 * Ctrl-C during the final evaluation, in process (SIGINT emitted when a log line shows that a
 * phase has begun): the evaluation stops, marks the run interrupted with what running again does,
 * writes no eval.json, keeps the floors finished before it and leaks no tensor or signal handler;
 * evaluating again gives the figures of an evaluation that never stopped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { initBackend } from '../../src/runtime/backend.ts';
import type { RunDirectory } from '../../src/runtime/run/directory.ts';
import { InterruptedError } from '../../src/runtime/run/signals.ts';
import { evaluate } from '../../src/runtime/train/evaluate.ts';
import { expectRejection } from './rejection.ts';
import { data, instance, tempRun, tinyEncoder, tinyTrain } from './train-setup.ts';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

describe('Ctrl-C during the final evaluation', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  it('stops it, marks the run interrupted, keeps finished floors, and a second evaluation gives the uninterrupted figures', async () => {
    const run = tempRun({ name: 'evaluated' });
    const { student } = await tinyTrain({ run, objective: { instance }, epochs: 1 });
    const trained = run.status()!;
    const cacheDir = tempDir('rekd-floors-');
    let lines: string[] = [];
    /** Evaluates `student` on `target`, raising SIGINT once a log line starts with `interruptAt`. */
    const evaluateOn = (target: RunDirectory, floorCache: string, interruptAt?: string) => {
      lines = [];
      let raised = false;
      return evaluate({
        run: target, encoder: student, data, seed: 0, knn: { k: 5 }, linear: { epochs: 20, lr: 0.1, batchSize: 16, weightDecay: 0 },
        collapse: { neighbours: 5 }, floors: { initialStudent: () => tinyEncoder(0, 'student'), cacheDir: floorCache },
        log: (text) => {
          lines.push(text);
          if (interruptAt !== undefined && !raised && text.startsWith(interruptAt)) {
            raised = true;
            process.emit('SIGINT', 'SIGINT');
          }
        },
      });
    };
    const tensors = tf.memory().numTensors;
    const handlers = process.listenerCount('SIGINT');

    // At its start: nothing measured yet.
    const error = await expectRejection(evaluateOn(run, cacheDir, 'final evaluation'), 'interrupted by SIGINT during the final evaluation; training is complete and saved');
    expect(error).to.be.instanceOf(InterruptedError).and.include({ phase: 'evaluation', step: trained.step });
    expect(lines.some((line) => line.startsWith('kNN top-1')), lines.join('\n')).to.equal(false);
    expect(lines).to.include('\nSIGINT: stopping the evaluation (again to quit now)');
    expect(run.status()).to.include({ state: 'interrupted', step: trained.step, epoch: trained.epoch, message: `interrupted during the final evaluation; training is complete and saved (step ${trained.step})` });
    expect(fs.existsSync(run.paths.eval)).to.equal(false);
    expect(tf.memory().numTensors).to.equal(tensors);
    expect(process.listenerCount('SIGINT')).to.equal(handlers);

    // Within the untrained floor: the raw-pixel floor, finished, stays cached.
    await expectRejection(evaluateOn(run, cacheDir, 'raw pixels:'), 'during the final evaluation');
    expect(lines.some((line) => line.startsWith('untrained:'))).to.equal(false);
    expect(fs.readdirSync(path.join(cacheDir, 'floors')).map((name) => name.replace(/-[0-9a-f]{16}\.json$/, '')).sort())
      .to.deep.equal(['pixels-knn', 'pixels-linear']);
    expect(run.status()!.state).to.equal('interrupted');
    expect(tf.memory().numTensors).to.equal(tensors);

    const results = await evaluateOn(run, cacheDir);
    expect(lines.find((line) => line.startsWith('raw pixels:'))).to.match(/\(cached\)$/);
    expect(run.status()).to.include({ state: 'finished', step: trained.step });
    expect(run.readEval()).to.deep.equal(JSON.parse(JSON.stringify(results)));
    // An evaluation never stopped, on another run directory with a cache of its own: the same figures.
    const uninterrupted = await evaluateOn(tempRun({ name: 'evaluated' }), tempDir('rekd-floors-'));
    expect(results).to.deep.equal(uninterrupted);
    expect(process.listenerCount('SIGINT')).to.equal(handlers);
    student.dispose();
  });
});
