/**
 * Ctrl-C in and around an offline teacher's pretrain stage, in process (SIGINT emitted when a
 * progress line shows where the stage is), with the program's stop request held as runProgram
 * holds it: a stop at the stage's last step, in its evaluation or just after it ends stops the
 * program before the student trains, as an interruption of the teacher stage; running again
 * completes the stage. A stop asked for before training or evaluation starts ends them before
 * their first step or batch.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { initBackend } from '../../src/runtime/backend.ts';
import { readJson } from '../../src/runtime/run/directory.ts';
import { readRunInfo } from '../../src/runtime/run/run-info.ts';
import { holdProgramStop, InterruptedError } from '../../src/runtime/run/signals.ts';
import { evaluate } from '../../src/runtime/train/evaluate.ts';
import { pretrainDirectory, pretrainTeacher, type PretrainOptions } from '../../src/runtime/train/pretrain.ts';
import { expectRejection } from './rejection.ts';
import { data, instance, stageOptions, tempRun, tinyTrain } from './train-setup.ts';

describe('Ctrl-C around a teacher pretrain stage', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  let lines: string[] = [];
  /** The stage's options; SIGINT is emitted once a progress line starts with `interruptAt`. */
  const stage = (cacheRoot: string, interruptAt?: string): PretrainOptions => {
    lines = [];
    let raised = false;
    const options = stageOptions(cacheRoot, (text) => {
      lines.push(text);
      if (interruptAt !== undefined && !raised && text.trimStart().startsWith(interruptAt)) {
        raised = true;
        process.emit('SIGINT', 'SIGINT');
      }
    });
    return { ...options, logEvery: 1 };
  };
  /** Runs `body` as a program does: one stop request for all of it. */
  const asProgram = async <T>(body: () => Promise<T>): Promise<T> => {
    const held = holdProgramStop();
    try {
      return await body();
    } finally {
      held.release();
    }
  };
  const statusOf = (options: PretrainOptions) => readJson<Record<string, unknown>>(path.join(pretrainDirectory(options), 'status.json'));
  const tempCache = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-teachers-'));

  it('a stop just after the stage ends (its figures printed) stops before the student, and running again loads the stage', async () => {
    const cacheRoot = tempCache();
    const handlers = process.listenerCount('SIGINT');
    const error = await expectRejection(asProgram(() => pretrainTeacher(stage(cacheRoot, 'teacher: kNN top-1'))),
      'interrupted by SIGINT after the teacher stage (pretrained, evaluated and saved)');
    expect(error).to.be.instanceOf(InterruptedError).and.include({ stage: 'teacher', phase: 'complete' });
    expect(statusOf(stage(cacheRoot))).to.include({ state: 'finished', step: 4, epoch: 1 });
    expect(process.listenerCount('SIGINT')).to.equal(handlers);

    const teacher = await asProgram(() => pretrainTeacher(stage(cacheRoot)));
    expect(lines.filter((line) => line.startsWith('teacher: pretrained weights found'))).to.have.length(1);
    teacher.dispose();
  });

  it("a stop at the stage's last step keeps its checkpoint; running again only evaluates it, at the real last epoch", async () => {
    const cacheRoot = tempCache();
    const error = await expectRejection(asProgram(() => pretrainTeacher(stage(cacheRoot, 'epoch 1/1 step 4/4'))),
      "interrupted by SIGINT at the teacher's pretraining step 4; its checkpoint was saved");
    expect(error).to.be.instanceOf(InterruptedError).and.include({ stage: 'teacher', phase: 'training', step: 4 });
    expect(statusOf(stage(cacheRoot))).to.include({ state: 'interrupted', step: 4, epoch: 1 });

    const teacher = await asProgram(() => pretrainTeacher(stage(cacheRoot)));
    expect(lines.filter((line) => /step \d+\/\d+/.test(line)), 'no training step').to.deep.equal([]);
    expect(statusOf(stage(cacheRoot))).to.include({ state: 'finished', step: 4, epoch: 1 });
    teacher.dispose();
  });

  it("a stop in the stage's evaluation names the teacher; running again evaluates it and records the session's backend", async () => {
    const cacheRoot = tempCache();
    const error = await expectRejection(asProgram(() => pretrainTeacher(stage(cacheRoot, 'teacher: evaluation:'))),
      "interrupted by SIGINT during the teacher's evaluation (its pretraining is complete and saved)");
    expect(error).to.be.instanceOf(InterruptedError).and.include({ stage: 'teacher', phase: 'evaluation' });
    expect(lines).to.include('\nSIGINT: stopping the evaluation (again to quit now)\n');
    expect(statusOf(stage(cacheRoot))).to.include({ state: 'interrupted', step: 4, epoch: 1 });
    const dir = pretrainDirectory(stage(cacheRoot));
    expect(fs.existsSync(path.join(dir, 'eval.json'))).to.equal(false);

    const teacher = await asProgram(() => pretrainTeacher(stage(cacheRoot)));
    expect(statusOf(stage(cacheRoot))).to.include({ state: 'finished', step: 4, epoch: 1 });
    expect(fs.existsSync(path.join(dir, 'eval.json'))).to.equal(true);
    const sessions = readRunInfo(path.join(dir, 'run-info.json')).sessions;
    expect(sessions).to.have.length(2);
    expect(sessions[1].steps ?? 0, 'the evaluation-only session').to.equal(0);
    expect(sessions[1].backend?.name).to.equal('wasm');
    teacher.dispose();
  });

  it('a stop asked for before training or evaluation starts ends them before their first step or batch', async () => {
    const run = tempRun({ name: 'stopped early' });
    await asProgram(async () => {
      process.emit('SIGINT', 'SIGINT');
      await expectRejection(tinyTrain({ run, objective: { instance }, epochs: 1 }), 'interrupted by SIGINT before training started');
      expect(run.status()).to.include({ state: 'interrupted', step: 0, message: 'interrupted before training started' });
      expect(run.hasCheckpoint()).to.equal(false);
    });
    const trained = await tinyTrain({ run, objective: { instance }, epochs: 1 });
    expect(run.status()).to.include({ state: 'running', step: 4, epoch: 1 });
    await asProgram(async () => {
      process.emit('SIGINT', 'SIGINT');
      const logged: string[] = [];
      await expectRejection(evaluate({ run, encoder: trained.student, data, seed: 0, knn: { k: 5 }, log: (text) => logged.push(text) }),
        'interrupted by SIGINT during the final evaluation; training is complete and saved (step 4)');
      expect(logged.some((line) => line.startsWith('kNN top-1'))).to.equal(false);
      expect(run.status()).to.include({ state: 'interrupted', step: 4, epoch: 1 });
    });
    trained.student.dispose();
  });
});
