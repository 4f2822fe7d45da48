import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rekdcIn, readJson } from './rekdc-child.ts';
import { tinyExperiment, workspace } from './tiny-runs.ts';

/** The run directory `rekdc run --format json` names, absolute. */
async function runDir(cwd: string, ...args: string[]): Promise<{ dir: string; stderr: string }> {
  const outcome = await rekdcIn(cwd, 'run', 'tiny.rekd', ...args, '--format', 'json');
  expect(outcome.code, outcome.stderr).to.equal(0);
  return { dir: path.join(cwd, JSON.parse(outcome.stdout).run_dir), stderr: outcome.stderr };
}

describe('results reused across names', function () {
  this.timeout(300_000);

  it('copies a finished run of the same settings under another name; --force trains it to the same evaluation', async () => {
    const cwd = workspace(`${tinyExperiment(1, { relation: false })}
experiment again extends moco {}

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

    const copy = await runDir(cwd, 'again');
    expect(copy.stderr).to.include('whose results are copied');
    expect(path.basename(copy.dir)).to.equal(`again-${idOf(original.dir)}`);
    for (const file of ['eval.json', 'metrics.jsonl', 'status.json', path.join('checkpoints', 'latest.ckpt')]) {
      expect(fs.readFileSync(path.join(copy.dir, file)), file).to.deep.equal(fs.readFileSync(path.join(original.dir, file)));
    }
    expect(readJson(path.join(copy.dir, 'resolved.json')).name).to.equal('again');
    expect(readJson(path.join(copy.dir, 'run-info.json')).copied_from).to.equal(path.join('runs', path.basename(original.dir)));
    const report = fs.readFileSync(path.join(copy.dir, 'report.md'), 'utf8');
    expect(report).to.match(/^# Run `again`$/m).and.include('Copied from');
    expect(fs.existsSync(path.join(copy.dir, 'plots', 'losses.svg'))).to.equal(true);

    // Trained anew, the other name gives the same evaluation: the name computes nothing.
    const trained = await runDir(cwd, 'again', '--force');
    expect(trained.stderr).to.not.include('copied');
    expect(readJson(path.join(trained.dir, 'run-info.json'))).to.not.have.property('copied_from');
    expect(readJson(path.join(trained.dir, 'eval.json'))).to.deep.equal(readJson(path.join(original.dir, 'eval.json')));
  });
});
