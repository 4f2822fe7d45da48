/**
 * experiments/paper.rekd, the reproduction of the paper's table: it checks clean, and each grid is
 * the five students x five methods, with one shared heterogeneous offline teacher for the
 * distillation cells and the supervised term only in the supervised cells; the methods and the
 * students are declared once, as axes sets.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { compileFile, type GridCell } from '../../src/compiler.ts';
import { pretrainGroups } from '../../src/grid/schedule.ts';

const students = ['alexnet', 'mobilenetv3', 'shufflenetv2', 'efficientnet_b0', 'resnet18'];
const methods = ['supervised', 'moco', 'seed', 'compress', 'rekd'];

/** The method a cell trains with, read from its resolved loss (not from the grid's values). */
function methodOf(cell: GridCell): string {
  const { instance, relation, supervised } = cell.experiment.loss;
  const on = [supervised && supervised.weight > 0 ? 'supervised' : null, instance?.kind, relation?.kind].filter(Boolean);
  if (on.length === 0) return 'untrained';
  if (on.length === 2 && on[0] === 'moco' && on[1] === 'rekd') return 'rekd';
  expect(on, `${cell.name}: one term, or moco + rekd`).to.have.length(1);
  return on[0]!;
}

describe('experiments/paper.rekd', () => {
  const result = compileFile('experiments/paper.rekd');

  it('checks clean: no error, warning or note', () => {
    expect(result.diagnostics).to.deep.equal([]);
    expect(result.ok).to.equal(true);
  });

  for (const name of ['quick', 'full']) {
    describe(`grid ${name}`, () => {
      const cells = result.grids.get(name)!.cells;

      it('is every student x every method, students slowest', () => {
        expect(cells.map((c) => [c.experiment.student.kind, methodOf(c)]))
          .to.deep.equal(students.flatMap((s) => methods.map((m) => [s, m])));
      });

      it('gives the relation cells one heterogeneous offline teacher and the others none', () => {
        for (const cell of cells) {
          const { teacher, student, loss } = cell.experiment;
          if (!loss.relation) {
            expect(teacher, cell.name).to.equal(null);
            continue;
          }
          expect(teacher, cell.name).to.include({ kind: 'resnet34', mode: 'offline', checkpoint: null });
          expect(teacher!.kind).to.not.equal(student.kind);
        }
        const groups = new Set(pretrainGroups(cells).values());
        expect(groups.size).to.equal(1);
        expect([...groups][0].map((c) => methodOf(c))).to.deep.equal(students.flatMap(() => ['seed', 'compress', 'rekd']));
      });

      it("gives seed and compress their own defaults, not rekd's inherited temperature", () => {
        const relations = cells.map((c) => c.experiment.loss.relation).filter((r) => r && r.kind !== 'rekd');
        expect(relations).to.have.length(10);
        for (const r of relations) {
          expect(r).to.deep.equal(r!.kind === 'seed'
            ? { kind: 'seed', weight: 1, student_temperature: 0.2, teacher_temperature: 0.01 }
            : { kind: 'compress', weight: 1, temperature: 0.04 });
        }
      });

      it('keeps everything but student and method equal across the cells', () => {
        const common = (c: GridCell) => ({ ...c.experiment, name: '', student: null, teacher: null, loss: null });
        for (const cell of cells) expect(common(cell), cell.name).to.deep.equal(common(cells[0]));
      });
    });
  }

  it('declares the method zip and the student zip once, and no cell carries a supervised term at weight 0 but the floors', () => {
    const text = readFileSync('experiments/paper.rekd', 'utf8');
    expect(text.match(/loss\.relation\s*=\s*\[none, none, seed/g)).to.have.length(1);
    expect(text.match(/student\s*=\s*\[alexnet, mobilenetv3/g)).to.have.length(1);
    for (const [name, grid] of result.grids) {
      for (const cell of grid.cells) {
        const floor = name === 'untrained' || name === 'alexnet_untrained';
        expect(cell.experiment.loss.supervised?.weight === 0, cell.name).to.equal(floor);
        if (methodOf(cell) !== 'supervised' && !floor) expect(cell.experiment.loss.supervised, cell.name).to.equal(null);
      }
    }
  });

  it('has an untrained floor for every student and a longer AlexNet table with its own floor', () => {
    const untrained = result.grids.get('untrained')!.cells;
    expect(untrained.map((c) => [c.experiment.student.kind, methodOf(c), c.experiment.teacher])).to.deep.equal(students.map((s) => [s, 'untrained', null]));
    const alexnet = [...result.grids.get('alexnet')!.cells, ...result.grids.get('alexnet_untrained')!.cells];
    expect(alexnet.map(methodOf)).to.deep.equal([...methods, 'untrained']);
    for (const cell of alexnet) {
      expect(cell.experiment.student).to.include({ kind: 'alexnet', width: 0.5 });
      expect(cell.experiment.data).to.include({ kind: 'fashion_mnist', train_size: 5000 });
      expect(cell.experiment.schedule.epochs).to.equal(5);
      if (cell.experiment.teacher) expect(cell.experiment.teacher.pretrain).to.include({ epochs: 10 });
    }
  });

  it('runs quick on a slice of Fashion-MNIST and full on all of it with a full-width teacher', () => {
    const seedCell = (grid: string) => result.grids.get(grid)!.cells[2].experiment; // alexnet with seed
    expect(seedCell('quick').data).to.deep.equal({ kind: 'fashion_mnist', split: 'auto', path: null, train_size: 2560, test_size: 1000 });
    expect(seedCell('full').data).to.deep.equal({ kind: 'fashion_mnist', split: 'auto', path: null, train_size: 'all', test_size: 'all' });
    expect(seedCell('quick').teacher!.width).to.equal(0.25);
    expect(seedCell('full').teacher).to.include({ width: 1 });
    expect(seedCell('full').teacher!.pretrain).to.include({ epochs: 200 });
    expect(seedCell('full').schedule.epochs).to.equal(200);
  });
  it('has a small table on the official split: AlexNet-0.5 x five methods x three seeds, one shared teacher', () => {
    const cells = result.grids.get('small')!.cells;
    expect(cells.map((c) => [methodOf(c), c.experiment.seed])).to.deep.equal(methods.flatMap((m) => [7, 8, 9].map((s) => [m, s])));
    for (const cell of cells) {
      expect(cell.experiment.student, cell.name).to.include({ kind: 'alexnet', width: 0.5 });
      expect(cell.experiment.data, cell.name).to.deep.equal({ kind: 'fashion_mnist', split: 'official', path: null, train_size: 'all', test_size: 'all' });
    }
    const groups = new Set(pretrainGroups(cells).values());
    expect(groups.size).to.equal(1);
    expect([...groups][0].map((c) => `${methodOf(c)} ${c.experiment.seed}`))
      .to.deep.equal(['seed', 'compress', 'rekd'].flatMap((m) => [7, 8, 9].map((s) => `${m} ${s}`)));
    const teacher = [...groups][0][0].experiment.teacher!;
    expect(teacher).to.include({ kind: 'resnet18', mode: 'offline' });
    expect(teacher.pretrain).to.include({ symmetric: true, seed: 1 });
  });
});
