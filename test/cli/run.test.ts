/**
 * `rekdc run`, `compile` and `report` end to end, as a user runs them: a tiny synthetic experiment
 * in a fresh folder, then the run directory's files and values; a finished run; a run killed with
 * kill -9 and resumed; Ctrl-C (SIGINT) with its exit code and checkpoint; no orphan when rekdc
 * alone is killed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { compileSource } from '../../src/compiler.ts';
import { checkpointMetadata } from '../../src/runtime/checkpoint.ts';
import { isRunning } from '../../src/runs/lock.ts';
import { readJson, rekdcIn, startRekdc, until } from './rekdc-child.ts';
import { tinyExperiment, workspace } from './tiny-runs.ts';

function runDirectoryOf(cwd: string): string {
  const runs = fs.readdirSync(path.join(cwd, 'runs'));
  expect(runs).to.have.length(1);
  expect(runs[0]).to.match(/^tiny-[0-9a-f]{12}$/);
  return path.join(cwd, 'runs', runs[0]);
}

const stepRecords = (dir: string) => fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
  .split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((r) => r.type === 'step');

/** The training program rekdc started (tsx may have started an esbuild service beside it). */
function programPid(rekdcPid: number): number {
  const children = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(rekdcPid)], { encoding: 'utf8' }).stdout.trim().split('\n');
  const programs = children.filter((line) => line.includes('program.mts'));
  expect(programs, `rekdc runs one program: ${children.join('; ')}`).to.have.length(1);
  return Number(programs[0].trim().split(/\s+/)[0]);
}

describe('rekdc run', function () {
  this.timeout(300_000);
  /** The untrained floor of the first test's run (seed 3, 2 epochs). */
  let untrainedOfTwoEpochs: unknown;

  it('runs a tiny experiment end to end, then reports a finished run without rerunning it', async () => {
    const text = tinyExperiment(2);
    const cwd = workspace(text);
    const first = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(first.code, first.stderr).to.equal(0);
    const dir = runDirectoryOf(cwd);

    expect(fs.readFileSync(path.join(dir, 'source.rekd'), 'utf8')).to.equal(text);
    const resolved = compileSource(text, 'tiny.rekd').experiments.get('tiny');
    expect(readJson(path.join(dir, 'resolved.json'))).to.deep.equal(resolved);
    const steps = stepRecords(dir);
    expect(steps.map((r) => r.step)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const record of steps) {
      expect(record.loss).to.have.all.keys('total', 'instance', 'relation', 'teacher');
      for (const value of Object.values(record.loss)) expect(value).to.be.a('number').and.satisfy(Number.isFinite);
      expect(record.lr).to.be.at.least(0);
    }
    const results = readJson(path.join(dir, 'eval.json'));
    for (const accuracy of [results.linear.top1, results.linear.top5, results.knn.top1]) expect(accuracy).to.be.within(0, 1);
    // The floors, on by default: the probes on the raw pixels and on the student as initialised.
    for (const floor of ['pixels', 'untrained']) {
      for (const accuracy of [results.floors[floor].linear.top1, results.floors[floor].knn.top1]) expect(accuracy).to.be.within(0, 1);
    }
    untrainedOfTwoEpochs = results.floors.untrained;
    // The summary: top-1 of the student beside its floors, in percent as eval.json has them.
    const percent = (value: number) => `${(100 * value).toFixed(2)}%`;
    expect(first.stdout).to.match(new RegExp(`^  linear +${percent(results.linear.top1)} +${percent(results.floors.untrained.linear.top1)} +${percent(results.floors.pixels.linear.top1)}$`, 'm'));
    expect(first.stdout).to.match(new RegExp(`^  kNN +${percent(results.knn.top1)} +${percent(results.floors.untrained.knn.top1)} +${percent(results.floors.pixels.knn.top1)} +${percent(results.teacher.knn.top1)}$`, 'm'));
    expect(first.stderr).to.match(/^raw pixels: linear top-1 \d+\.\d\d%, kNN top-1 \d+\.\d\d%$/m);
    expect(first.stderr).to.match(/^untrained: linear top-1 \d+\.\d\d%, kNN top-1 \d+\.\d\d%$/m);
    expect(fs.readdirSync(path.join(cwd, 'cache', 'floors'))).to.have.length(4);
    expect(readJson(path.join(dir, 'status.json'))).to.include({ state: 'finished', step: 8 });
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).to.include('## Final evaluation');
    // The summary ends with the relation miner's last measured window, as report.md's table does.
    const miner = [...steps].reverse().find((r) => r.miner_precision !== undefined);
    expect(miner.step).to.equal(8);
    expect(first.stdout).to.include(`relation miner at step 8: precision ${miner.miner_precision.toFixed(3)}, chance ${miner.miner_chance.toFixed(3)}`);
    expect(first.stdout.trim().split('\n').length).to.be.at.most(8);
    const relative = path.relative(cwd, dir);
    expect(first.stdout.trim().split('\n').at(-1)).to.equal(`report: ${path.join(relative, 'report.md')}; every figure: ${path.join(relative, 'eval.json')}`);

    const metricsBefore = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8');
    const again = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(again.code).to.equal(0);
    expect(again.stderr).to.include('already finished');
    expect(again.stdout).to.equal(first.stdout);
    expect(fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')).to.equal(metricsBefore);

    // The same results as data: eval.json as it is, the miner's window, where the report is.
    const json = await rekdcIn(cwd, 'run', 'tiny.rekd', '--format', 'json');
    expect(json.code, json.stderr).to.equal(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).to.deep.equal({
      experiment: 'tiny', run_dir: path.relative(cwd, dir), outcome: 'already finished', exit_code: 0, eval: results, copied_from: null,
      miner: { step: 8, precision: miner.miner_precision, chance: miner.miner_chance, positives: miner.miner_positives },
      report: path.join(path.relative(cwd, dir), 'report.md'), diagnostics: [],
    });

    fs.rmSync(path.join(dir, 'report.md'));
    const report = await rekdcIn(cwd, 'report', dir);
    expect(report.code, report.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'report.md'))).to.equal(true);
    const reported = await rekdcIn(cwd, 'report', dir, '--format', 'json');
    expect(JSON.parse(reported.stdout)).to.deep.equal({ run_dir: dir, report: path.join(dir, 'report.md') });
  });

  it('refuses a second run of a running experiment, resumes a run killed with kill -9 from its checkpoint, saves one on Ctrl-C (exit 130) and when rekdc alone is killed', async () => {
    // 200 steps (about 13 s with the native kernels): room for the second rekdc's start-up, the
    // kill, the resume and the Ctrl-C; 20 steps could all finish before the kill.
    const totalSteps = 200;
    const cwd = workspace(tinyExperiment(totalSteps / 4));
    const killed = startRekdc(cwd, ['run', 'tiny.rekd']);
    let dir = '';
    await until(() => fs.existsSync(path.join(cwd, 'runs')) && fs.readdirSync(path.join(cwd, 'runs')).length > 0, 'the run directory');
    dir = runDirectoryOf(cwd);
    await until(() => fs.existsSync(path.join(dir, 'status.json')) && readJson(path.join(dir, 'status.json')).step >= 2, 'a checkpoint');
    const program = programPid(killed.child.pid!);
    const concurrent = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(concurrent.code).to.equal(1);
    expect(concurrent.stderr).to.match(new RegExp(`is being run by process ${program} \\(since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\) already`));
    process.kill(program, 'SIGKILL');
    const afterKill = await killed.done;
    expect(afterKill.code).to.equal(128 + os.constants.signals.SIGKILL);
    // The checkpoint's own step: status.json is written after it, so a kill can land in between.
    const latest = path.join('runs', path.basename(dir), 'checkpoints', 'latest.ckpt');
    const checkpointStep = checkpointMetadata<{ step: number }>(path.join(cwd, latest)).step;
    expect(checkpointStep).to.be.within(2, totalSteps - 2);

    const resumed = startRekdc(cwd, ['run', 'tiny.rekd', '--resume']);
    // A progress line past the checkpoint: training runs (and listens for Ctrl-C).
    const stepsShown = () => [...resumed.stderr().matchAll(/step (\d+)\/\d+/g)].map((m) => Number(m[1]));
    await until(() => resumed.child.exitCode !== null || stepsShown().some((step) => step > checkpointStep), 'a step after the resume');
    resumed.child.kill('SIGINT');
    const afterInterrupt = await resumed.done;
    expect(afterInterrupt.stderr).to.include(`resuming from ${latest} at step ${checkpointStep}\n`);
    expect(afterInterrupt.code, afterInterrupt.stderr).to.equal(130);
    const interrupted = readJson(path.join(dir, 'status.json'));
    expect(interrupted.state).to.equal('interrupted');
    expect(interrupted.step).to.be.above(checkpointStep);

    // rekdc alone killed (the OOM killer, a CI job ending): its program must not train on as an orphan.
    const orphaned = startRekdc(cwd, ['run', 'tiny.rekd']);
    await until(() => [...orphaned.stderr().matchAll(/step (\d+)\/\d+/g)].some((m) => Number(m[1]) > interrupted.step), 'a step after the second resume');
    const orphan = programPid(orphaned.child.pid!);
    orphaned.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(() => !isRunning(orphan), 'the orphaned program to end', 2000);
    expect(Date.now() - killedAt).to.be.below(2000);
    expect((await orphaned.done).stderr).to.include('has ended');
    const stopped = readJson(path.join(dir, 'status.json'));
    expect(stopped.state, 'it saved a checkpoint as on SIGTERM').to.equal('interrupted');
    expect(stopped.step).to.be.above(interrupted.step);

    const finished = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(finished.code, finished.stderr).to.equal(0);
    expect(finished.stderr).to.include(`resuming from ${latest} at step ${stopped.step}\n`);
    // The step counter continues: every step logged once, in order, up to the last.
    expect(stepRecords(dir).map((r) => r.step)).to.deep.equal(Array.from({ length: totalSteps }, (_, i) => i + 1));
    expect(readJson(path.join(dir, 'status.json'))).to.include({ state: 'finished', step: totalSteps });
    // Killed, resumed three times and trained 25 times longer, the run evaluates the same
    // untrained floor: the same seed rebuilds the same initial student.
    if (untrainedOfTwoEpochs) expect(readJson(path.join(dir, 'eval.json')).floors.untrained).to.deep.equal(untrainedOfTwoEpochs);
  });

  it('asks which experiment to run when the file declares several, and refuses --resume without a checkpoint', async () => {
    const cwd = workspace(`${tinyExperiment(2)}\nexperiment other extends tiny { seed = 4 }\n`);
    const ambiguous = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(ambiguous.code).to.equal(2);
    expect(ambiguous.stderr).to.include('declares 2 experiments (tiny, other)');
    const nothing = await rekdcIn(cwd, 'run', 'tiny.rekd', 'other', '--resume');
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr).to.match(/nothing to resume: runs\/other-[0-9a-f]{12} holds no checkpoint/);
    const unknown = await rekdcIn(cwd, 'run', 'tiny.rekd', 'third');
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include("has no experiment 'third' (it declares experiments tiny, other)");
    const both = await rekdcIn(cwd, 'run', 'tiny.rekd', 'tiny', '--resume', '--force');
    expect(both.code).to.equal(2);
    expect(fs.existsSync(path.join(cwd, 'runs'))).to.equal(false);
  });

  it('stops on a file with errors before generating anything', async () => {
    const cwd = workspace(tinyExperiment(2).replace('batch_size = 16', 'batch_size = "many"'));
    const outcome = await rekdcIn(cwd, 'run', 'tiny.rekd');
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.match(/tiny\.rekd:\d+:\d+/);
    expect(fs.existsSync(path.join(cwd, 'runs'))).to.equal(false);
  });
});

describe('rekdc compile', function () {
  this.timeout(120_000);

  it('writes the type-checked program of each experiment under --out', async () => {
    const cwd = workspace(tinyExperiment(2));
    const outcome = await rekdcIn(cwd, 'compile', 'tiny.rekd', '--out', 'programs');
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stdout.trim()).to.equal(path.join('programs', 'tiny', 'tiny.mts'));
    expect(fs.readFileSync(path.join(cwd, 'programs', 'tiny', 'tiny.mts'), 'utf8')).to.include('from "rekd/runtime"');

    // A file where --out's folder should be: a usage error, one line, exit 2 (not a bug report).
    fs.writeFileSync(path.join(cwd, 'taken'), '');
    const blocked = await rekdcIn(cwd, 'compile', 'tiny.rekd', '--out', 'taken');
    expect(blocked.code, blocked.stderr).to.equal(2);
    expect(blocked.stderr).to.equal('rekdc compile: taken is a file; name the folder to write the programs into with --out\n');
  });
});
