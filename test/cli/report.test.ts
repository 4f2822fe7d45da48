/**
 * `rekdc report`: what a folder that is not a run says, and a grid's results from the cells run
 * one at a time (`rekdc report <file> <grid>`), listing the cells not complete. The complete cell
 * is a finished run directory written here (its eval.json), not trained: the tables read only files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { openRunDirectory } from '../../src/runtime/run/directory.ts';
import { rekdcHere } from './capture.ts';
import { tinyExperiment } from '../grid/fixture.ts';

const grid = `${tinyExperiment('loss { instance moco { queue = 32 } }\noptimizer sgd {}\nschedule cosine { epochs = 1 }')}
grid seeds of tiny {
  seed = [1, 2]
}
`;

describe('rekdc report', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-report-'));
    fs.writeFileSync(path.join(cwd, 'tiny.rekd'), grid);
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('says a folder does not exist, or what it is not, and how to get a grid\'s results', async () => {
    const nope = await rekdcHere(['report', 'runs/nope'], { cwd });
    expect(nope.code).to.equal(1);
    expect(nope.stderr).to.equal('rekdc report: runs/nope does not exist\n');
    const unrun = await rekdcHere(['report', 'runs/grids/seeds'], { cwd });
    expect(unrun.stderr).to.equal('rekdc report: runs/grids/seeds does not exist; a grid\'s folder is written by rekdc grid, ' +
      'or from the cells run so far by rekdc report <file> seeds\n');
    fs.mkdirSync(path.join(cwd, 'runs', 'other'), { recursive: true });
    const other = await rekdcHere(['report', 'runs/other'], { cwd });
    expect(other.code).to.equal(1);
    expect(other.stderr).to.equal('rekdc report: runs/other is neither a run directory (no resolved.json) nor a grid folder (no grid.json)\n');
  });

  it('writes a grid\'s results from its complete cells and lists the others', async () => {
    const none = await rekdcHere(['report', 'tiny.rekd', 'seeds', '--format', 'json'], { cwd });
    expect(none.code, none.stderr).to.equal(0);
    const before = JSON.parse(none.stdout);
    expect(before).to.include({ grid: 'seeds', folder: path.join('runs', 'grids', 'seeds') });
    expect(before.missing).to.deep.equal(['seeds_0', 'seeds_1']);

    // seeds_0 finished (as `rekdc run tiny.rekd seeds_0` leaves it).
    const manifest = JSON.parse(fs.readFileSync(path.join(cwd, 'runs', 'grids', 'seeds', 'grid.json'), 'utf8'));
    const cell = manifest.cells.find((c: { name: string }) => c.name === 'seeds_0');
    const run = openRunDirectory(path.join(cwd, cell.dir), { resolved: { name: 'seeds_0' } });
    run.writeEval({ knn: { top1: 0.625 } });
    run.setStatus('finished', { step: 2, epoch: 1 });

    const some = await rekdcHere(['report', 'tiny.rekd', 'seeds'], { cwd });
    expect(some.code, some.stderr).to.equal(0);
    expect(some.stdout.split('\n')[0]).to.equal('1 of 2 cells complete; not yet: seeds_1 (rekdc grid tiny.rekd seeds runs them)');
    const rows = fs.readFileSync(path.join(cwd, 'runs', 'grids', 'seeds', 'results.csv'), 'utf8').trim().split('\n');
    const header = rows[0].split(',');
    const byCell = new Map(rows.slice(1).map((line) => [line.split(',')[0], line.split(',')]));
    expect(byCell.get('seeds_0')![header.indexOf('knn_top1')]).to.equal('0.625');
    expect(byCell.get('seeds_0')![header.indexOf('state')]).to.equal('complete');
    expect(byCell.get('seeds_1')![header.indexOf('knn_top1')]).to.equal('');

    // The folder now reports by itself, as after `rekdc grid`.
    const folder = await rekdcHere(['report', 'runs/grids/seeds'], { cwd });
    expect(folder.code, folder.stderr).to.equal(0);
    expect(folder.stdout).to.match(/runs\/grids\/seeds\/results\.md\n$/);
  });
});
