/**
 * Grid composition: axes sets (`axes NAME { }`, `use NAME`) expand in place, across imports, and
 * block values (`loss.supervised = [{}, none]`, `teacher = [{}]`) add or keep a block in a cell.
 * The diagnostics' texts are in the golden baselines (test/baselines/RK08*); these tests check
 * the cells.
 */
import * as path from 'node:path';
import { expect } from 'chai';
import { compileSource, type CompileResult } from '../../src/compiler.ts';
import { BASE_EXPERIMENT } from '../grid/fixture.ts';

/** Compiles `text` as main.rekd, with `files` (name -> text) importable beside it. */
function compile(text: string, files: Record<string, string> = {}, overrides: string[] = []): CompileResult {
  const texts = new Map(Object.entries(files).map(([name, t]) => [path.resolve(name), t]));
  return compileSource(text, 'main.rekd', { readFile: (p) => texts.get(p), overrides });
}

const codes = (result: CompileResult) => result.diagnostics.map((d) => `${d.code} ${d.span?.line}`);
const cellValues = (result: CompileResult, grid: string) => result.grids.get(grid)!.cells.map((c) => c.values);

describe('grid composition', () => {
  describe('axes sets', () => {
    const text = `${BASE_EXPERIMENT}
axes methods {
  zip {
    loss.relation = [none, rekd]
    teacher       = [none, resnet18]
  }
}
axes seeds { seed = [1, 2] }
grid a of base {
  use seeds
  use methods
}
grid b of base {
  use methods
  batch_size = [32]
  use seeds
}`;
    const result = compile(text);

    it('checks clean and expands each use in place, in written order', () => {
      expect(codes(result)).to.deep.equal([]);
      expect(result.grids.get('a')!.axes).to.deep.equal(['seed', 'loss.relation', 'teacher']);
      expect(cellValues(result, 'a').map((v) => [v.seed, v['loss.relation']])).to.deep.equal([[1, null], [1, 'rekd'], [2, null], [2, 'rekd']]);
      expect(result.grids.get('b')!.axes).to.deep.equal(['loss.relation', 'teacher', 'batch_size', 'seed']);
      expect(cellValues(result, 'b').map((v) => [v['loss.relation'], v.seed])).to.deep.equal([[null, 1], [null, 2], ['rekd', 1], ['rekd', 2]]);
    });

    it('gives two grids using one set the same cells as if each had written the axes', () => {
      const written = compile(`${BASE_EXPERIMENT}
grid a of base {
  seed = [1, 2]
  zip {
    loss.relation = [none, rekd]
    teacher       = [none, resnet18]
  }
}`);
      const experiments = (r: CompileResult) => r.grids.get('a')!.cells.map((c) => c.experiment);
      expect(experiments(result)).to.deep.equal(experiments(written));
    });

    it('takes a set from an imported file, and does not warn about an unused set in a file without grids', () => {
      const library = 'axes widths { student.width = [0.25, 0.5, 1] }\naxes unused { seed = [1] }\n';
      const imported = compile(`import "sets.rekd"\n${BASE_EXPERIMENT}\ngrid w of base { use widths }`, { 'sets.rekd': library });
      expect(codes(imported)).to.deep.equal([]);
      expect(imported.grids.get('w')!.cells.map((c) => c.experiment.student.width)).to.deep.equal([0.25, 0.5, 1]);
    });

    it('reports a problem at a set\'s value once, at the set (naming its cell), not at the grids that use it', () => {
      const bad = compile(`${BASE_EXPERIMENT}\naxes kinds { student = [alexnet, resnet99] }\ngrid g of base { use kinds }\ngrid h of base { use kinds }`);
      expect(codes(bad)).to.deep.equal(['RK0202 13']);
      expect(bad.diagnostics[0].notes).to.deep.equal(['in cell 1 (student = resnet99)']);
      expect(bad.grids.get('g')!.cells.map((c) => c.experiment.student.kind)).to.deep.equal(['alexnet']);
    });

    it('counts a set\'s axes in the grid size (RK0809) and expands nothing past the limit', () => {
      const values = `[${Array.from({ length: 40 }, (_, i) => i + 1).join(', ')}]`;
      const big = compile(`${BASE_EXPERIMENT}\naxes many { seed = ${values}, batch_size = ${values} }\ngrid g of base { use many }`);
      expect(codes(big)).to.deep.equal(['RK0809 14']);
      expect(big.grids.has('g')).to.equal(false);
    });

    it('expands an unknown set to nothing after RK0810', () => {
      const unknown = compile(`${BASE_EXPERIMENT}\naxes seeds { seed = [1, 2] }\ngrid g of base { use seedz }`);
      expect(codes(unknown)).to.deep.equal(['RK0812 13', 'RK0810 14']);
      expect(unknown.diagnostics[1].suggestion).to.equal('seeds');
      expect(unknown.grids.get('g')!.cells).to.have.length(1);
    });
  });

  describe('block values', () => {
    it('adds the kindless supervised block to one cell and leaves it out of the other', () => {
      const result = compile(`${BASE_EXPERIMENT}\ngrid g of base { loss.supervised = [{}, none, { weight = 0.5 }] }`);
      expect(codes(result)).to.deep.equal([]);
      expect(result.grids.get('g')!.cells.map((c) => c.experiment.loss.supervised)).to.deep.equal([{ weight: 1 }, null, { weight: 0.5 }]);
      expect(cellValues(result, 'g').map((v) => v['loss.supervised'])).to.deep.equal(['{}', null, '{ weight = 0.5 }']);
      const provenance = result.grids.get('g')!.cells[2].provenance.get('loss.supervised.weight');
      expect(provenance?.source).to.equal('grid');
    });

    it('merges members onto a block the cell has, and `{}` keeps the kind of a kinded block', () => {
      const result = compile(`${BASE_EXPERIMENT}
experiment wide extends base { teacher resnet34 { width = 0.5 } }
grid g of wide { zip { teacher = [none, {}, { width = 1 }], loss.relation = [none, rekd, rekd] } }`);
      expect(codes(result)).to.deep.equal([]);
      expect(result.grids.get('g')!.cells.map((c) => c.experiment.teacher && [c.experiment.teacher.kind, c.experiment.teacher.width]))
        .to.deep.equal([null, ['resnet34', 0.5], ['resnet34', 1]]);
    });

    it('works as a --set override too', () => {
      const result = compile(BASE_EXPERIMENT, {}, ['loss.supervised={ weight = 2 }']);
      expect(codes(result)).to.deep.equal([]);
      expect(result.experiments.get('base')!.loss.supervised).to.deep.equal({ weight: 2 });
    });

    it('refuses a block on an attribute and `{}` where no kind can be kept (RK0813)', () => {
      const result = compile(`${BASE_EXPERIMENT}\ngrid g of base { zip { seed = [{}], student = [none] } }\ngrid h of base { loss.relation = [none]\n teacher = [none]\n loss.instance = [{ temperature = 0.5 }] }`);
      expect(result.diagnostics.filter((d) => d.code === 'RK0813').map((d) => d.span?.line)).to.deep.equal([13]);
      expect(compile(`${BASE_EXPERIMENT}\nexperiment lone extends base { teacher = none\n loss { relation = none } }\ngrid g of lone { teacher = [{}] }`).diagnostics
        .map((d) => d.code)).to.deep.equal(['RK0813']);
    });
  });
});
