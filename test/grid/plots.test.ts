/** The grid folder's plots: one per setting axis that takes more than one value, legends naming only those. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { runDirectory } from '../../src/runs/directory.ts';
import { gridFolder, manifestOf, writeManifest } from '../../src/grid/folder.ts';
import { writeResults } from '../../src/grid/results.ts';
import { BASE_EXPERIMENT, compiledGrid } from './fixture.ts';
import { fakeRun, folderPerTest } from './hand-written-runs.ts';

describe('grid plots', () => {
  const folders = folderPerTest('rekd-plots-');

  it('draws no plot against an axis with one value, and leaves it out of the legends', () => {
    const grid = compiledGrid(`${BASE_EXPERIMENT}
grid g of base {
  loss.relation.temperature = [0.05, 0.1]
  teacher.width = [0.25]
  student = [alexnet, mobilenetv2]
}
`, 'plots.rekd', 'g');
    const folder = gridFolder('g', folders.runs);
    writeManifest(folder, manifestOf(grid, 'plots.rekd', folders.runs));
    grid.cells.forEach((cell, i) => fakeRun(runDirectory(cell.experiment, folders.runs), cell.experiment, { linear: { top1: 0.5 + i / 10 }, knn: { top1: 0.5 } }));
    const markdown = fs.readFileSync(writeResults(folder).report, 'utf8');
    expect(markdown.match(/^!\[.*\]\(plots\/.*\)$/gm)).to.deep.equal([
      '![linear_top1 against loss.relation.temperature](plots/loss.relation.temperature.svg)',
      '![linear_top1 against student](plots/student.svg)',
    ]);
    expect(fs.readdirSync(path.join(folder, 'plots')).sort()).to.deep.equal(['loss.relation.temperature.svg', 'student.svg']);
    const plot = fs.readFileSync(path.join(folder, 'plots', 'loss.relation.temperature.svg'), 'utf8');
    expect(plot).to.contain('student=alexnet').and.contain('student=mobilenetv2');
    expect(plot).not.to.contain('teacher.width');
  });
});
