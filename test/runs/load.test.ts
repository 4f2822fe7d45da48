/**
 * What a command acting on experiments (`run`, `compile`, `preview`) loads: errors anywhere in the
 * file stop it, its grids' included; only a grid broken by the command's `--set` does not.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { loadExperiments } from '../../src/runs/load.ts';
import { UsageError } from '../../src/runs/usage-error.ts';

const base = `experiment base {
  data synthetic { classes = 3 }
  teacher mobilenetv3 { variant = large, width = 0.5, embed = 64 }
  student alexnet { width = 0.5 }
  loss { instance moco {} relation rekd {} }
  schedule cosine { epochs = 1 }
}
`;

describe('loading the experiments of a file', () => {
  let folder: string;
  before(() => { folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-load-')); });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));
  const load = (text: string, overrides: string[], name?: string) => {
    const file = path.join(folder, 'f.rekd');
    fs.writeFileSync(file, text);
    return loadExperiments(file, overrides, name, 'run');
  };
  const errors = (loaded: ReturnType<typeof load>) => loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

  it('stops on an error inside a grid, even for an experiment the grid does not use', () => {
    const missingBase = load(`${base}\ngrid g of quickstart { seed = [1, 2] }\n`, [], 'base');
    expect(missingBase.ok).to.equal(false);
    expect(errors(missingBase)).to.deep.equal(['RK0603']);
    const badValue = load(`${base}\ngrid g of base { student = [alexnet, nosuchnet] }\n`, []);
    expect(badValue.ok).to.equal(false);
    expect(errors(badValue)).to.have.length.greaterThan(0);
    expect(load(`${base}\ngrid g of base { student = [alexnet, resnet18] }\n`, [], 'base').ok).to.equal(true);
  });

  it('names the imported file that declares an experiment the file itself does not', () => {
    fs.writeFileSync(path.join(folder, 'base.rekd'), base);
    const file = path.join(folder, 'f.rekd');
    fs.writeFileSync(file, 'import "base.rekd"\n\nexperiment mine extends base {\n  seed = 2\n}\n');
    expect(() => loadExperiments(file, [], 'base', 'run')).to.throw(UsageError,
      `'base' is declared in ${path.join(folder, 'base.rekd')}, which ${file} imports; run it from there: rekdc run ${path.join(folder, 'base.rekd')} base`);
  });

  it('runs an experiment under overrides that break only a grid, and a cell under overrides that keep it valid', () => {
    const text = `${base}\ngrid g of base { teacher.mode = [online] }\n`;
    const loaded = load(text, ['teacher=none', 'loss.relation=none'], 'base');
    expect(loaded.ok, JSON.stringify(loaded.diagnostics)).to.equal(true);
    if (loaded.ok) expect(loaded.compiled.experiments.map((e) => [e.name, e.teacher])).to.deep.equal([['base', null]]);
    const cell = load(text, ['seed=3'], 'g_0');
    expect(cell.ok).to.equal(true);
    if (cell.ok) expect(cell.compiled.experiments.map((e) => [e.name, e.seed])).to.deep.equal([['g_0', 3]]);
    expect(load(text, ['teacher=none', 'loss.relation=none'], 'g_0').ok).to.equal(false);
  });
});
