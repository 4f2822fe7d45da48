/**
 * Ctrl-C during a run's final evaluation, as a user presses it: `rekdc run` stops at once with exit
 * 130 and a line saying that training is complete and saved, status.json says interrupted, and the
 * same command again evaluates without training, giving the eval.json of a run never stopped. A
 * grid's cell stopped in its evaluation does the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { readJson, rekdcIn, startRekdc, until } from './rekdc-child.ts';
import { tinyExperiment, workspace } from './tiny-runs.ts';

/**
 * MoCo alone (8 steps) with a linear probe of 400 small batches: an evaluation of a few seconds,
 * so that Ctrl-C sent when it starts lands in it.
 */
const experiment = tinyExperiment(2, { relation: false }).replace('linear { epochs = 2 }', 'linear { epochs = 100, batch_size = 16 }');

/** status.json's message for an interrupted evaluation, and `rekdc`'s last line, which adds what to do. */
const SAYS_TRAINING_IS_SAVED = 'interrupted during the final evaluation; training is complete and saved (step 8)';
const LAST_LINE = `${SAYS_TRAINING_IS_SAVED}; run the same command again to continue`;

const runDirectoryIn = (cwd: string, prefix: string): string => {
  const runs = fs.readdirSync(path.join(cwd, 'runs')).filter((name) => name.startsWith(`${prefix}-`));
  expect(runs).to.have.length(1);
  return path.join('runs', runs[0]);
};

/** Starts `rekdc args` in `cwd` and sends it SIGINT once its final evaluation has begun; its outcome. */
async function interruptEvaluation(cwd: string, args: string[]) {
  const started = startRekdc(cwd, args);
  // The program prints this line once its evaluation listens for Ctrl-C.
  await until(() => started.stderr().includes('final evaluation: ') || started.child.exitCode !== null, 'the final evaluation');
  started.child.kill('SIGINT');
  return started.done;
}

const progressLines = (stderr: string) => stderr.match(/step \d+\/\d+/g) ?? [];

/** ReKD with an offline teacher pretrained for one epoch (4 steps) in its stage, then the student (4 steps). */
const withPretrainedTeacher = tinyExperiment(1).replace('mode = online, queue = 64 }', 'mode = offline, queue = 64, pretrain { epochs = 1 } }');

describe('Ctrl-C during the final evaluation', function () {
  this.timeout(300_000);

  it('rekdc run stops with exit 130, keeps the run interrupted, and the same command evaluates it as an uninterrupted run does', async () => {
    const cwd = workspace(experiment);
    const referenceCwd = workspace(experiment);
    // The run never stopped, beside the other (the same experiment, so the same run id and weights).
    const uninterrupted = rekdcIn(referenceCwd, 'run', 'tiny.rekd');

    const stopped = await interruptEvaluation(cwd, ['run', 'tiny.rekd']);
    expect(stopped.code, stopped.stderr).to.equal(130);
    const dir = runDirectoryIn(cwd, 'moco');
    expect(stopped.stderr).to.include('interrupted by SIGINT during the final evaluation; training is complete and saved (step 8)\n');
    expect(stopped.stderr.endsWith(`${dir}: ${LAST_LINE}\n`), stopped.stderr).to.equal(true);
    expect(stopped.stderr, 'one hint').to.not.include('--resume');
    expect(stopped.stderr, 'no stack trace').to.not.match(/^\s+at /m);
    // Stopped within the evaluation: the last floor was never reached.
    expect(stopped.stderr).to.not.include('untrained: ');
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'interrupted', step: 8, message: SAYS_TRAINING_IS_SAVED });
    expect(fs.existsSync(path.join(cwd, dir, 'eval.json'))).to.equal(false);
    const metrics = fs.readFileSync(path.join(cwd, dir, 'metrics.jsonl'), 'utf8');

    const again = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include(`rekdc run: moco in ${dir}: training is complete, only the final evaluation runs\n`);
    expect(again.stderr).to.include(`resuming from ${dir}/checkpoints/latest.ckpt at step 8\n`);
    expect(progressLines(again.stderr), 'no training step').to.deep.equal([]);
    expect(fs.readFileSync(path.join(cwd, dir, 'metrics.jsonl'), 'utf8')).to.equal(metrics);
    // The real last epoch (2 epochs of 4 steps), and the evaluation-only session's backend in report.md.
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'finished', step: 8, epoch: 2 });
    const report = fs.readFileSync(path.join(cwd, dir, 'report.md'), 'utf8');
    expect(report).to.include('step 8, epoch 2').and.not.include('epoch 3');
    expect(report).to.match(/^- Backend: wasm/m);

    const reference = await uninterrupted;
    expect(reference.code, reference.stderr).to.equal(0);
    expect(progressLines(reference.stderr)).to.have.length(8);
    expect(readJson(path.join(cwd, dir, 'eval.json'))).to.deep.equal(readJson(path.join(referenceCwd, runDirectoryIn(referenceCwd, 'moco'), 'eval.json')));
  });

  it("rekdc run --force: Ctrl-C in the teacher's evaluation stops before the student, says so, and the command without --force continues", async () => {
    const cwd = workspace(withPretrainedTeacher);
    const started = startRekdc(cwd, ['run', 'tiny.rekd', '--force']);
    await until(() => started.stderr().includes('teacher: evaluation: ') || started.child.exitCode !== null, "the teacher's evaluation");
    started.child.kill('SIGINT');
    const stopped = await started.done;
    expect(stopped.code, stopped.stderr).to.equal(130);
    const dir = runDirectoryIn(cwd, 'tiny');
    // The signal lands in the teacher's evaluation or, when that ends first, at the end of its stage: before the student either way.
    const where = /interrupted (during the teacher's evaluation \(its pretraining is complete and saved\)|after the teacher stage \(pretrained, evaluated and saved\)); the student has not started/;
    expect(stopped.stderr).to.match(new RegExp(`^${where.source.replace('interrupted', 'interrupted by SIGINT')}$`, 'm'));
    const lastLine = stopped.stderr.trimEnd().split('\n').at(-1)!;
    expect(lastLine).to.match(new RegExp(`^${dir}: ${where.source}; run the same command without --force to continue$`));
    expect(stopped.stderr).to.not.include('training is complete and saved (step');
    expect(progressLines(stopped.stderr), 'the teacher\'s steps only').to.have.length(4);
    const status = readJson(path.join(cwd, dir, 'status.json'));
    expect(status).to.include({ state: 'interrupted', step: 0 });
    expect(status.message).to.match(where);
    expect(fs.existsSync(path.join(cwd, dir, 'checkpoints', 'latest.ckpt'))).to.equal(false);

    const again = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(again.code, again.stderr).to.equal(0);
    expect(progressLines(again.stderr), 'the student\'s steps only').to.have.length(4);
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'finished', step: 4, epoch: 1 });
  });

  it('rekdc grid: the cell stopped in its evaluation is interrupted, exit 130, and the same command evaluates it without training', async () => {
    const cwd = workspace(`${experiment}\ngrid again of moco { seed = [3] }\n`);
    const stopped = await interruptEvaluation(cwd, ['grid', 'tiny.rekd', 'again']);
    expect(stopped.code, stopped.stderr).to.equal(130);
    const dir = runDirectoryIn(cwd, 'again_0');
    expect(stopped.stderr).to.include(`${dir}: ${LAST_LINE}\n`);
    expect(stopped.stderr, 'no stack trace').to.not.match(/^\s+at /m);
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'interrupted', step: 8 });
    const plan = await rekdcIn(cwd, 'plan', 'tiny.rekd', 'again');
    expect(plan.stdout.split('\n')[0]).to.equal('grid again of moco: 1 cell, 0 complete, 1 interrupted, 0 running, 0 new');

    const again = await rekdcIn(cwd, 'grid', 'tiny.rekd', 'again');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include(`resuming from ${dir}/checkpoints/latest.ckpt at step 8\n`);
    expect(progressLines(again.stderr), 'no training step').to.deep.equal([]);
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'finished', step: 8 });
    expect(fs.existsSync(path.join(cwd, dir, 'eval.json'))).to.equal(true);
  });
});
