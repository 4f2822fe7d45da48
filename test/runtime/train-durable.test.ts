/**
 * Checkpoints under faults: a disk that fills up during a checkpoint stops the run cleanly with
 * the earlier checkpoints intact and resumable; a damaged newest checkpoint is named and the run
 * resumes from the newest intact one; with none intact, one line says how to start over.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { initBackend } from '../../src/runtime/backend.ts';
import { CheckpointError, checkpointMetadata } from '../../src/runtime/checkpoint.ts';
import { WriteError } from '../../src/runtime/run/atomic.ts';
import { readMetrics } from '../../src/runtime/run/metrics.ts';
import { InterruptedError } from '../../src/runtime/run/signals.ts';
import { newestIntactCheckpoint } from '../../src/runtime/train/resume.ts';
import { CheckpointSaveError } from '../../src/runtime/train/state.ts';
import { fullAfter, shortWrites, withWrites } from './disk-faults.ts';
import { instance, tempRun, tinyTrain, type TinyOptions } from './train-setup.ts';

/** 2 epochs of 4 steps, a checkpoint every 2 steps. */
const settings = { objective: { instance }, epochs: 2, logEvery: 1, checkpointEvery: 2 } satisfies Omit<TinyOptions, 'run'>;
const stepOf = (file: string) => checkpointMetadata<{ step: number }>(file).step;
const loggedSteps = (run: ReturnType<typeof tempRun>) => readMetrics(run.paths.metrics).map((r) => r.step);

/** A run stopped by Ctrl-C after step 6: latest.ckpt at step 6, previous.ckpt at step 4. */
async function interruptedRun(): Promise<ReturnType<typeof tempRun>> {
  const run = tempRun();
  let stopped: unknown;
  try {
    await tinyTrain({ run, ...settings, onLine: (line) => { if (line.includes('step 6/')) process.emit('SIGINT', 'SIGINT'); } });
  } catch (error) {
    stopped = error;
  }
  expect(stopped).to.be.instanceOf(InterruptedError);
  expect([stepOf(run.paths.latest), stepOf(run.paths.previous)]).to.deep.equal([6, 4]);
  return run;
}

function flipBit(file: string, offset: number): void {
  const bytes = fs.readFileSync(file);
  bytes[offset] ^= 0x01;
  fs.writeFileSync(file, bytes);
}

function writeNaN(file: string, offset: number): void {
  const bytes = fs.readFileSync(file);
  Buffer.from(new Float32Array([NaN]).buffer).copy(bytes, offset);
  fs.writeFileSync(file, bytes);
}

describe('training loop: checkpoints under disk faults and damage', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  it('stops when the disk fills up during a checkpoint, says why in the error and status.json, and resumes from the intact one', async () => {
    const run = tempRun();
    let failure: unknown;
    // Short writes throughout; the third checkpoint (step 6) finds the disk full half way.
    await withWrites(fullAfter(2, 10_000, shortWrites(4096)), async () => {
      try {
        await tinyTrain({ run, ...settings });
      } catch (error) {
        failure = error;
      }
    });
    expect(failure).to.be.instanceOf(CheckpointSaveError);
    const message = `the checkpoint at step 6 could not be saved: cannot write ${run.paths.latest}: no space left on the device; ` +
      'free some space, then run the same command again. Training stopped; running it again resumes from the checkpoint at step 4';
    expect((failure as Error).message).to.equal(message);
    expect(run.status()).to.include({ state: 'failed', step: 6, message });
    // Both earlier checkpoints intact (written in 4 kB pieces), no temp file left.
    expect([stepOf(run.paths.latest), stepOf(run.paths.previous)]).to.deep.equal([4, 2]);
    expect(fs.readdirSync(run.paths.checkpoints).sort()).to.deep.equal(['latest.ckpt', 'previous.ckpt']);

    // What a process killed during a write leaves behind; the resumed run removes it.
    fs.writeFileSync(`${run.paths.checkpoints}/.latest.ckpt.99999.tmp`, 'half a checkpoint');
    const lines: string[] = [];
    const resumed = await tinyTrain({ run, ...settings, onLine: (line) => lines.push(line) });
    expect(lines[0]).to.equal(`resuming from ${run.paths.latest} at step 4\n`);
    expect(resumed.result).to.include({ steps: 8, stepsRun: 4 });
    expect(loggedSteps(run)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fs.readdirSync(run.paths.checkpoints).sort()).to.deep.equal(['latest.ckpt', 'previous.ckpt']);
    expect(run.status()).to.include({ state: 'running', step: 8 });
    resumed.student.dispose();
  });

  it('stops with the reason in status.json when metrics.jsonl cannot be written', async () => {
    const run = tempRun();
    fs.mkdirSync(run.paths.metrics); // a folder where the log should be
    const failure = await tinyTrain({ run, ...settings }).then(() => undefined, (error: unknown) => error);
    const message = `cannot write ${run.paths.metrics}: it is a folder, not a file; remove the folder or choose another name`;
    expect(failure).to.be.instanceOf(WriteError).with.property('message', message);
    expect(run.status()).to.include({ state: 'failed', step: 1, message });
  });

  it('never records a best kNN accuracy in a checkpoint before best.ckpt holds it', async () => {
    const run = tempRun();
    const knn = { k: 3, temperature: 0.07, every: 1, subset: 1000 };
    // The disk fills up at the third large file: the checkpoints after the first kNN evaluation (step 4).
    await withWrites(fullAfter(2, 10_000), async () => {
      await tinyTrain({ run, ...settings, knn }).then(() => expect.fail('the run should stop'), (error) => expect(error).to.be.instanceOf(CheckpointSaveError));
    });
    const { file, step } = newestIntactCheckpoint(run.checkpointFiles());
    const claimed = checkpointMetadata<{ bestKnn: number | null }>(file).bestKnn;
    expect(claimed, `${file} at step ${step}`).to.be.a('number');
    expect(checkpointMetadata<{ bestKnn: number | null }>(run.paths.best).bestKnn).to.equal(claimed);
  });

  it('names a damaged newest checkpoint, moves it aside and resumes from the newest intact one', async () => {
    const run = await interruptedRun();
    flipBit(run.paths.latest, fs.statSync(run.paths.latest).size - 100);
    const lines: string[] = [];
    const resumed = await tinyTrain({ run, ...settings, onLine: (line) => lines.push(line) });
    expect(lines.slice(0, 2)).to.deep.equal([
      `checkpoint ${run.paths.latest} fails its checksum (changed on disk after it was written); moved aside to ${run.paths.latest}.damaged\n`,
      `resuming from ${run.paths.previous} at step 4\n`,
    ]);
    expect(resumed.result).to.include({ steps: 8, stepsRun: 4 });
    expect(loggedSteps(run)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    // The damaged file was not rotated into previous.ckpt: both kept checkpoints are intact.
    expect([stepOf(run.paths.latest), stepOf(run.paths.previous)]).to.deep.equal([8, 6]);
    expect(fs.existsSync(`${run.paths.latest}.damaged`)).to.equal(true);
    resumed.student.dispose();
  });

  it('falls back past truncation, a flipped bit and NaN data to the newest intact checkpoint, best.ckpt included', async () => {
    const run = await interruptedRun();
    const { latest, previous, best } = run.paths;
    fs.copyFileSync(previous, best); // a whole training state at step 4, as best.ckpt is
    const dataOffset = fs.statSync(latest).size - 1000; // inside the tensor data
    const cases: Array<[string, (file: string) => void, RegExp]> = [
      ['truncated', (file) => fs.truncateSync(file, dataOffset), /is truncated \(\d+ of \d+ bytes\)/],
      ['a flipped bit', (file) => flipBit(file, dataOffset), /fails its checksum/],
      ['NaN data', (file) => writeNaN(file, dataOffset), /fails its checksum/],
    ];
    const intact = fs.readFileSync(latest);
    for (const [what, damage, problem] of cases) {
      fs.writeFileSync(latest, intact);
      damage(latest);
      const point = newestIntactCheckpoint(run.checkpointFiles());
      expect(point, what).to.deep.include({ file: previous, step: 4 });
      expect(point.damaged.map((d) => d.file), what).to.deep.equal([latest]);
      expect(point.damaged[0].problem, what).to.match(problem).and.to.contain(latest);
    }
    writeNaN(previous, dataOffset);
    expect(newestIntactCheckpoint(run.checkpointFiles())).to.deep.include({ file: best, step: 4 });
  });

  it('with no intact checkpoint, says in one line what is wrong with each and how to start over', async () => {
    const run = await interruptedRun();
    fs.truncateSync(run.paths.latest, 100);
    flipBit(run.paths.previous, 200);
    let failure: unknown;
    try {
      await tinyTrain({ run, ...settings });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(CheckpointError);
    expect((failure as Error).message).to.equal(
      `no intact checkpoint to resume from (checkpoint ${run.paths.latest} is truncated (inside its header); ` +
      `checkpoint ${run.paths.previous} fails its checksum (changed on disk after it was written)); ` +
      'to start over, run it again with --force (rekdc run <file> --force), which deletes them');
    expect((failure as Error).message).not.to.contain('\n');
    // Nothing was moved or rewritten: the files stay as they were for a look or a repair.
    expect(fs.readdirSync(run.paths.checkpoints).sort()).to.deep.equal(['latest.ckpt', 'previous.ckpt']);
  });
});
