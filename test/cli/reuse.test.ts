import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rekdcIn, readJson } from './rekdc-child.ts';
import { tinyExperiment, workspace } from './tiny-runs.ts';

/** `rekdc run --format json`'s run directory (absolute), outcome and copied_from. */
async function runDir(cwd: string, ...args: string[]): Promise<{ dir: string; stderr: string; outcome: string; copiedFrom: string | null }> {
  const outcome = await rekdcIn(cwd, 'run', 'tiny.rekd', ...args, '--format', 'json');
  expect(outcome.code, outcome.stderr).to.equal(0);
  const json = JSON.parse(outcome.stdout);
  return { dir: path.join(cwd, json.run_dir), stderr: outcome.stderr, outcome: json.outcome, copiedFrom: json.copied_from };
}

describe('results reused across names', function () {
  this.timeout(300_000);

  it('copies a finished run of the same settings under another name; --force trains it to the same evaluation', async () => {
    const cwd = workspace(`${tinyExperiment(1, { relation: false })}
experiment again extends moco {}
experiment third extends moco {}

grid seeds of moco {
  seed = [3, 4]
}
`);
    const original = await runDir(cwd, 'moco');
    const idOf = (dir: string) => path.basename(dir).split('-')[1];

    const plan = await rekdcIn(cwd, 'plan', 'tiny.rekd', 'seeds');
    expect(plan.code, plan.stderr).to.equal(0);
    expect(plan.stdout).to.include(`seeds_0 copies ${path.join('runs', path.basename(original.dir))}: the same settings`);
    expect(plan.stdout).to.match(/^seeds_0 .* new: copy /m);
    expect(plan.stdout).to.match(/^seeds_1 .* new  /m);
    expect(plan.stdout.split('\n')[0]).to.match(/, 2 new \(1 of them copying a finished run\)$/);

    const copy = await runDir(cwd, 'again');
    const trainedRun = path.join('runs', path.basename(original.dir));
    expect(copy).to.include({ outcome: 'copied', copiedFrom: trainedRun });
    expect(copy.stderr).to.include('whose results are copied');
    expect(path.basename(copy.dir)).to.equal(`again-${idOf(original.dir)}`);
    for (const file of ['eval.json', 'metrics.jsonl', 'status.json', path.join('checkpoints', 'latest.ckpt')]) {
      expect(fs.readFileSync(path.join(copy.dir, file)), file).to.deep.equal(fs.readFileSync(path.join(original.dir, file)));
    }
    expect(readJson(path.join(copy.dir, 'resolved.json')).name).to.equal('again');
    expect(readJson(path.join(copy.dir, 'run-info.json')).copied_from).to.equal(trainedRun);
    const report = fs.readFileSync(path.join(copy.dir, 'report.md'), 'utf8');
    expect(report).to.match(/^# Run `again`$/m).and.include('Copied from');
    expect(fs.existsSync(path.join(copy.dir, 'plots', 'losses.svg'))).to.equal(true);

    // A copy of a copy names the run that trained (here moved away, so only the copy can serve).
    fs.renameSync(original.dir, `${original.dir}.moved`);
    const copyOfCopy = await runDir(cwd, 'third');
    expect(copyOfCopy.copiedFrom).to.equal(trainedRun);
    expect(copyOfCopy.stderr).to.include(path.join('runs', path.basename(copy.dir)));
    fs.renameSync(`${original.dir}.moved`, original.dir);

    // A copy cut short before its status: the next run resumes it (the final evaluation only) and
    // it still names the run that trained it.
    for (const file of ['status.json', 'eval.json', 'report.md']) fs.rmSync(path.join(copyOfCopy.dir, file));
    const resumed = await runDir(cwd, 'third');
    expect(resumed).to.include({ outcome: 'finished', copiedFrom: trainedRun });
    expect(resumed.stderr).to.include('resuming');
    // No step trained again: the metrics are the copied ones.
    expect(fs.readFileSync(path.join(copyOfCopy.dir, 'metrics.jsonl'))).to.deep.equal(fs.readFileSync(path.join(original.dir, 'metrics.jsonl')));
    expect(readJson(path.join(copyOfCopy.dir, 'eval.json'))).to.deep.equal(readJson(path.join(original.dir, 'eval.json')));
    expect(fs.readFileSync(path.join(copyOfCopy.dir, 'report.md'), 'utf8')).to.include('Copied from');

    // A grid copies its cell equal to the trained run (no wall time of its own) and trains the other.
    const grid = await rekdcIn(cwd, 'grid', 'tiny.rekd', 'seeds', '--format', 'json');
    expect(grid.code, grid.stderr).to.equal(0);
    expect(JSON.parse(grid.stdout).cells.map((c: { outcome: string }) => c.outcome)).to.deep.equal(['copied', 'ran']);
    const gridFolder = path.join(cwd, 'runs', 'grids', 'seeds');
    expect(fs.readFileSync(path.join(gridFolder, 'results.md'), 'utf8')).to.include(`Copied, not trained`).and.include(`seeds_0 from \`${trainedRun}\``);
    expect(fs.readdirSync(path.join(gridFolder, 'cells')).filter((f) => f.startsWith('seeds_0-'))).to.deep.equal([]);

    // Trained anew, the other name gives the same evaluation: the name computes nothing.
    const trained = await runDir(cwd, 'again', '--force');
    expect(trained.stderr).to.not.include('copied');
    expect(readJson(path.join(trained.dir, 'run-info.json'))).to.not.have.property('copied_from');
    expect(readJson(path.join(trained.dir, 'eval.json'))).to.deep.equal(readJson(path.join(original.dir, 'eval.json')));
  });
});
