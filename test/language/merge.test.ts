import { expect } from 'chai';
import { compileSource } from '../../src/compiler.ts';

const BASE = `experiment base {
  data synthetic { classes = 3 }
  teacher mobilenetv3 { variant = large, width = 0.5, embed = 64 }
  student alexnet { width = 0.5 }
  loss { instance moco { temperature = 0.3 } relation rekd {} }
  optimizer sgd { lr = 0.1, nesterov = true }
  schedule cosine { epochs = 4 }
  eval { knn { k = 7 } }
}
`;

function resolve(child: string) {
  const r = compileSource(BASE + child, 'merge.rekd');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
  return r.experiments.get('child')!;
}

describe('extends', () => {
  it('overrides attributes and keeps the rest of a block', () => {
    const e = resolve('experiment child extends base { loss { instance moco { queue = 128 } } }');
    expect(e.loss.instance).to.include({ temperature: 0.3, queue: 128 });
    expect(e.loss.relation).to.include({ kind: 'rekd' });
  });

  it('removes an inherited block with `= none`', () => {
    const e = resolve('experiment child extends base { loss { relation = none } teacher = none }');
    expect(e.loss.relation).to.equal(null);
    expect(e.teacher).to.equal(null);
  });

  it('resets an inherited attribute whose default is none with `= none`, and refuses none elsewhere', () => {
    const source = BASE.replace('embed = 64 }', 'embed = 64, mode = offline, pretrain { epochs = 1, batch_size = 32, seed = 3 } }');
    const r = compileSource(`${source}experiment child extends base { teacher mobilenetv3 { pretrain { batch_size = none } } }`, 'merge.rekd');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    expect(r.experiments.get('child')!.teacher!.pretrain).to.include({ batch_size: null, seed: 3, epochs: 1 });
    const refused = compileSource(`${source}experiment child extends base { teacher mobilenetv3 { pretrain { epochs = none } } }`, 'merge.rekd');
    expect(refused.diagnostics.map((d) => `${d.code} ${d.message}`)).to.deep.equal(['RK0301 pretrain epochs: expected an integer, found `none`']);
  });

  it('replaces a kind and keeps only the attributes valid for the new kind', () => {
    const e = resolve('experiment child extends base { teacher resnet18 { } optimizer adamw { } }');
    expect(e.teacher).to.include({ kind: 'resnet18', width: 0.5, embed: 64 });
    expect(e.teacher).to.not.have.property('variant');
    // lr is valid for adamw, so it is kept; nesterov is not.
    expect(e.optimizer).to.deep.equal({ kind: 'adamw', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.05 });
  });

  it('accepts `slot = kind` as a kind change', () => {
    const e = resolve('experiment child extends base { student = resnet34 }');
    expect(e.student).to.deep.equal({ kind: 'resnet34', width: 0.5, embed: 128, hidden: 0 });
  });

  it('derives defaults from the data: prototypes = 10 x classes, crop size = input size', () => {
    const e = resolve('experiment child extends base { augment { random_resized_crop {} } }');
    expect(e.loss.relation).to.include({ prototypes: 30 });
    expect(e.augment).to.deep.equal([{ op: 'random_resized_crop', size: 28, scale: [0.2, 1.0], ratio: [0.75, 1.3333] }]);
  });

  it('fills the MoCo v2 pipeline and every eval when the blocks are omitted, and only written evals otherwise', () => {
    const r = compileSource(BASE.replace('eval { knn { k = 7 } }', ''), 'x.rekd');
    const e = r.experiments.get('base')!;
    expect(e.augment.map((op) => op.op)).to.deep.equal(['random_resized_crop', 'color_jitter', 'grayscale', 'gaussian_blur', 'horizontal_flip']);
    expect(e.eval.linear && e.eval.knn && e.eval.collapse).to.not.equal(null);
    const written = compileSource(BASE, 'y.rekd').experiments.get('base')!;
    expect(written.eval).to.deep.equal({ floors: true, linear: null, knn: { k: 7, temperature: 0.07, every: 1, subset: 1000 }, collapse: null });
    const noFloors = compileSource(BASE.replace('eval { knn { k = 7 } }', 'eval { knn {}, floors = false }'), 'z.rekd').experiments.get('base')!;
    expect(noFloors.eval).to.include({ floors: false });
  });

  it('merges augment ops by name and appends new ones, in order', () => {
    const r = compileSource(`${BASE.replace('eval', 'augment { grayscale { p = 0.1 } horizontal_flip {} }\n  eval')}
experiment child extends base { augment { horizontal_flip { p = 0.9 } cutout {} grayscale = none } augment weak { horizontal_flip {} } }`, 'z.rekd');
    const e = r.experiments.get('child')!;
    expect(e.augment).to.deep.equal([{ op: 'horizontal_flip', p: 0.9 }, { op: 'cutout', size: 0.25, p: 0.5 }]);
    expect(e.augment_weak).to.deep.equal([{ op: 'horizontal_flip', p: 0.5 }]);
  });

  it('overrides a path inside an omitted block on top of its defaults', () => {
    const text = BASE.replace('eval { knn { k = 7 } }', '').replace('optimizer sgd { lr = 0.1, nesterov = true }', '');
    const r = compileSource(text, 'o.rekd', { overrides: ['eval.knn.k=5', 'augment.grayscale.p=0.5', 'optimizer.lr=0.2'] });
    expect(r.diagnostics).to.deep.equal([]);
    const e = r.experiments.get('base')!;
    expect(e.eval.knn!.k).to.equal(5);
    expect(e.eval.linear).to.not.equal(null);
    expect(e.augment.map((op) => op.op)).to.deep.equal(['random_resized_crop', 'color_jitter', 'grayscale', 'gaussian_blur', 'horizontal_flip']);
    expect(e.augment[2]).to.deep.equal({ op: 'grayscale', p: 0.5 });
    expect(e.optimizer).to.include({ kind: 'sgd', lr: 0.2, momentum: 0.9 });
    expect(r.provenance.get('base')!.get('eval.linear')).to.include({ source: 'default' });
  });

  it('reports where an override path leads nowhere, in the words of a where condition', () => {
    const messages = (override: string) => compileSource(BASE, 'o.rekd', { overrides: [override] }).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(messages('loss.relation.temperature.x=1')).to.deep.equal(["RK0801 unknown path segment 'x' in 'loss.relation.temperature' (an attribute)"]);
    const where = compileSource(`${BASE}grid g of base {\n  seed = [1]\n  where loss.relation.temperature.x == 1\n}`, 'o.rekd');
    expect(where.diagnostics.map((d) => `${d.code} ${d.message}`)).to.deep.equal(messages('loss.relation.temperature.x=1'));
    const [blockValue, ...more] = messages('loss.relation=1');
    expect(more).to.deep.equal([]);
    expect(blockValue).to.match(/^RK0801 'loss\.relation' is a block: its value must be a kind \(rekd, /);
  });

  it('resolves written paths against the writing file, overrides against the working directory', () => {
    const text = `${BASE}experiment child extends base { teacher resnet18 { mode = offline, checkpoint = "../runs/t.ckpt" } }`;
    const fromFile = compileSource(text, 'a/b/m.rekd').experiments.get('child')!;
    expect(fromFile.teacher!.checkpoint).to.equal('a/runs/t.ckpt');
    const overridden = compileSource(text, 'a/b/m.rekd', { overrides: ['teacher.checkpoint="runs/u.ckpt"'] }).experiments.get('child')!;
    expect(overridden.teacher!.checkpoint).to.equal('runs/u.ckpt');
  });

  it('leaves grids unexpanded when asked, so an override that breaks only a grid still compiles the experiments', () => {
    const text = `${BASE}grid g of base { teacher.mode = [online] }`;
    const overrides = ['teacher=none', 'loss.relation=none'];
    const all = compileSource(text, 'g.rekd', { overrides });
    expect(all.ok).to.equal(false);
    expect(all.experiments.get('base')!.teacher).to.equal(null);
    const experimentsOnly = compileSource(text, 'g.rekd', { overrides, grids: false });
    expect(experimentsOnly.diagnostics).to.deep.equal([]);
    expect(experimentsOnly.experiments.get('base')!.teacher).to.equal(null);
    expect(experimentsOnly.grids.size).to.equal(0);
  });

  it('expands zip axes together and crosses them with the others', () => {
    const r = compileSource(`${BASE}grid g of base {
  zip { seed = [1, 2], batch_size = [16, 32] }
  student = [alexnet, resnet18]
}`, 'g.rekd');
    expect(r.diagnostics).to.deep.equal([]);
    expect(r.grids.get('g')!.axes).to.deep.equal(['seed', 'batch_size', 'student']);
    expect(r.grids.get('g')!.cells.map((c) => [c.experiment.seed, c.experiment.batch_size, c.experiment.student.kind])).to.deep.equal([
      [1, 16, 'alexnet'], [1, 16, 'resnet18'], [2, 32, 'alexnet'], [2, 32, 'resnet18'],
    ]);
  });
});
