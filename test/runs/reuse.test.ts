/** Which finished run a new run copies, and whom the copy names as having trained its results (runs/reuse.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { copyTwin, finishedTwin } from '../../src/runs/reuse.ts';
import { openRunDirectory } from '../../src/runtime/run/directory.ts';
import { readRunInfo } from '../../src/runtime/run/run-info.ts';
import { fakeRun, folderPerTest } from '../grid/hand-written-runs.ts';

describe('results reused across names: the run copied', () => {
  const folder = folderPerTest('rekd-reuse-');
  const resolved = (name: string) => ({ name, seed: 1 });
  const evaluation = { knn: { top1: 0.5 } };

  it('skips a finished twin whose eval.json is damaged, and copies an intact one', () => {
    const dir = path.join(folder.runs, 'new-abc123');
    fakeRun(path.join(folder.runs, 'a-abc123'), resolved('a'), evaluation);
    fakeRun(path.join(folder.runs, 'b-abc123'), resolved('b'), evaluation);
    fakeRun(path.join(folder.runs, 'c-fff000'), resolved('c'), evaluation);
    expect(finishedTwin(dir)).to.equal(path.join(folder.runs, 'a-abc123'));
    fs.writeFileSync(path.join(folder.runs, 'a-abc123', 'eval.json'), '{"knn": ');
    expect(finishedTwin(dir)).to.equal(path.join(folder.runs, 'b-abc123'));
    fs.writeFileSync(path.join(folder.runs, 'b-abc123', 'eval.json'), '');
    expect(finishedTwin(dir)).to.equal(undefined);
  });

  it('names the run that trained; never the new run itself (a run folder brought from another runs folder)', () => {
    const trained = path.join(folder.runs, 'quickstart-abc123');
    const copy = path.join(folder.runs, 'mine-abc123');
    fakeRun(trained, resolved('quickstart'), evaluation);
    fs.writeFileSync(path.join(trained, 'checkpoints', 'latest.ckpt'), 'weights');
    openRunDirectory(copy, { resolved: resolved('mine') });
    expect(copyTwin(trained, copy)).to.equal(trained);
    expect(readRunInfo(path.join(copy, 'run-info.json')).copied_from).to.equal(trained);
    // Checkpoints (replaced only by renames) are shared as hard links; eval.json is a file of its own.
    const inode = (run: string, file: string) => fs.statSync(path.join(run, file)).ino;
    expect(inode(copy, 'checkpoints/latest.ckpt')).to.equal(inode(trained, 'checkpoints/latest.ckpt'));
    expect(fs.readFileSync(path.join(copy, 'checkpoints', 'latest.ckpt'), 'utf8')).to.equal('weights');
    expect(inode(copy, 'eval.json')).to.not.equal(inode(trained, 'eval.json'));

    // A copy of the copy names the run that trained, even once that one is moved away.
    fs.renameSync(trained, path.join(folder.cwd, 'elsewhere'));
    const third = path.join(folder.runs, 'third-abc123');
    openRunDirectory(third, { resolved: resolved('third') });
    expect(copyTwin(copy, third)).to.equal(trained);

    // `mine` alone brought to another runs folder, where a new run has its trainer's path: the
    // new run's results come from `mine`, not from itself.
    const other = path.join(folder.cwd, 'other', 'runs');
    fs.mkdirSync(other, { recursive: true });
    fs.cpSync(copy, path.join(other, 'mine-abc123'), { recursive: true });
    const cwd = process.cwd();
    process.chdir(path.join(folder.cwd, 'other'));
    try {
      const again = path.join('runs', 'quickstart-abc123');
      fs.writeFileSync(path.join('runs', 'mine-abc123', 'run-info.json'), JSON.stringify({ copied_from: again }));
      openRunDirectory(again, { resolved: resolved('quickstart') });
      expect(copyTwin(path.join('runs', 'mine-abc123'), again)).to.equal(path.join('runs', 'mine-abc123'));
      expect(readRunInfo(path.join(again, 'run-info.json')).copied_from).to.equal(path.join('runs', 'mine-abc123'));
    } finally {
      process.chdir(cwd);
    }
  });
});
