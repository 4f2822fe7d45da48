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

/** What `rekdc` says about an interrupted evaluation, and status.json's message. */
const SAYS_TRAINING_IS_SAVED = 'interrupted during the final evaluation; training is complete and saved, run the same command again to evaluate it';

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
    expect(stopped.stderr).to.include(`${dir}: ${SAYS_TRAINING_IS_SAVED}\n`);
    expect(stopped.stderr, 'no stack trace').to.not.match(/^\s+at /m);
    // Stopped within the evaluation: the last floor was never reached.
    expect(stopped.stderr).to.not.include('untrained: ');
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'interrupted', step: 8, message: SAYS_TRAINING_IS_SAVED });
    expect(fs.existsSync(path.join(cwd, dir, 'eval.json'))).to.equal(false);
    const metrics = fs.readFileSync(path.join(cwd, dir, 'metrics.jsonl'), 'utf8');

    const again = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include(`resuming from ${dir}/checkpoints/latest.ckpt at step 8\n`);
    expect(progressLines(again.stderr), 'no training step').to.deep.equal([]);
    expect(fs.readFileSync(path.join(cwd, dir, 'metrics.jsonl'), 'utf8')).to.equal(metrics);
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'finished', step: 8 });

    const reference = await uninterrupted;
    expect(reference.code, reference.stderr).to.equal(0);
    expect(progressLines(reference.stderr)).to.have.length(8);
    expect(readJson(path.join(cwd, dir, 'eval.json'))).to.deep.equal(readJson(path.join(referenceCwd, runDirectoryIn(referenceCwd, 'moco'), 'eval.json')));
  });

  it('rekdc grid: the cell stopped in its evaluation is interrupted, exit 130, and the same command evaluates it without training', async () => {
    const cwd = workspace(`${experiment}\ngrid again of moco { seed = [3] }\n`);
    const stopped = await interruptEvaluation(cwd, ['grid', 'tiny.rekd', 'again']);
    expect(stopped.code, stopped.stderr).to.equal(130);
    const dir = runDirectoryIn(cwd, 'again_0');
    expect(stopped.stderr).to.include(`${dir}: ${SAYS_TRAINING_IS_SAVED}\n`);
    expect(stopped.stderr, 'no stack trace').to.not.match(/^\s+at /m);
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'interrupted', step: 8 });
    const plan = await rekdcIn(cwd, 'plan', 'tiny.rekd', 'again');
    expect(plan.stdout.split('\n')[0]).to.equal('grid again of moco: 1 cells, 0 complete, 1 interrupted, 0 running, 0 new');

    const again = await rekdcIn(cwd, 'grid', 'tiny.rekd', 'again');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include(`resuming from ${dir}/checkpoints/latest.ckpt at step 8\n`);
    expect(progressLines(again.stderr), 'no training step').to.deep.equal([]);
    expect(readJson(path.join(cwd, dir, 'status.json'))).to.include({ state: 'finished', step: 8 });
    expect(fs.existsSync(path.join(cwd, dir, 'eval.json'))).to.equal(true);
  });
});
