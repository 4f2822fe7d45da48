import { expect } from 'chai';
import { compileFile, compileSource, expandGrid, type Diagnostic } from '../../src/compiler.ts';

const errors = (r: { diagnostics: Diagnostic[] }) => r.diagnostics.filter((d) => d.severity === 'error');

describe('the example experiments', () => {
  const quickstart = compileFile('experiments/quickstart.rekd');
  const baseline = compileFile('experiments/moco_baseline.rekd');

  it('check clean exactly as written', () => {
    expect(quickstart.diagnostics).to.deep.equal([]);
    expect(baseline.diagnostics).to.deep.equal([]);
    expect(quickstart.ok && baseline.ok).to.equal(true);
  });

  it('resolve written values and fill defaults, derived ones included', () => {
    const e = quickstart.experiments.get('quickstart')!;
    expect(e.seed).to.equal(7);
    expect(e.data).to.deep.equal({ kind: 'fashion_mnist', split: 'auto', path: null, train_size: 5000, test_size: 1000 });
    expect(e.augment.map((op) => op.op)).to.deep.equal(['random_resized_crop', 'horizontal_flip', 'color_jitter']);
    expect(e.augment[0]).to.deep.equal({ op: 'random_resized_crop', size: 28, scale: [0.3, 1.0], ratio: [0.75, 1.3333] });
    expect(e.teacher).to.include({ kind: 'resnet18', width: 0.25, mode: 'online', checkpoint: null, pretrain: null, queue: 4096 });
    expect(e.loss.relation).to.deep.equal({
      kind: 'rekd', weight: 1, temperature: 0.1, miner: 'prototype', prototypes: 100, beta: 0.99,
      reseed_after: 1000, warmup_steps: 0, k: 5, teacher_temperature: 0.05,
    });
    expect(e.optimizer).to.deep.equal({ kind: 'sgd', lr: 0.06, momentum: 0.9, nesterov: false, weight_decay: 5e-4 });
    expect(e.schedule).to.deep.equal({ kind: 'cosine', epochs: 5, warmup_epochs: 1, final_lr: 0 });
    expect(e.eval.collapse).to.deep.equal({ neighbours: 20 });
    expect(e.augment_weak).to.equal(null);
  });

  it('moco_baseline inherits the recipe without teacher and relation term', () => {
    const e = baseline.experiments.get('moco_baseline')!;
    const q = quickstart.experiments.get('quickstart')!;
    expect(e.teacher).to.equal(null);
    expect(e.loss.relation).to.equal(null);
    expect(e.loss.instance).to.deep.equal(q.loss.instance);
    expect({ ...e, name: '', teacher: null, loss: null }).to.deep.equal({ ...q, name: '', teacher: null, loss: null });
  });

  it('records where each value came from', () => {
    const p = baseline.provenance.get('moco_baseline')!;
    expect(p.get('seed')).to.include({ source: 'file' });
    expect(p.get('seed')!.span).to.include({ file: 'experiments/quickstart.rekd', line: 3 });
    expect(p.get('teacher')!.span).to.include({ file: 'experiments/moco_baseline.rekd', line: 5 });
    expect(p.get('checkpoint_every')).to.deep.equal({ source: 'default', span: null });
  });

  it('expands the grid into six cells, first axis slowest', () => {
    const cells = expandGrid(quickstart, 'temperature_by_student');
    expect(cells.map((c) => c.values)).to.deep.equal([
      { 'loss.relation.temperature': 0.05, student: 'alexnet' },
      { 'loss.relation.temperature': 0.05, student: 'mobilenetv2' },
      { 'loss.relation.temperature': 0.1, student: 'alexnet' },
      { 'loss.relation.temperature': 0.1, student: 'mobilenetv2' },
      { 'loss.relation.temperature': 0.2, student: 'alexnet' },
      { 'loss.relation.temperature': 0.2, student: 'mobilenetv2' },
    ]);
    const cell = cells[3].experiment;
    expect(cell.name).to.equal('temperature_by_student_3');
    expect(cell.loss.relation).to.include({ kind: 'rekd', temperature: 0.1 });
    // A new kind keeps the attributes still valid for it.
    expect(cell.student).to.deep.equal({ kind: 'mobilenetv2', width: 0.5, embed: 128, hidden: 0 });
    expect(cells[3].provenance.get('student')).to.include({ source: 'grid' });
  });

  it('applies --set overrides through the same pipeline', () => {
    const r = compileFile('experiments/quickstart.rekd', { overrides: ['loss.relation.miner=knn', 'teacher.width = 0.5', 'eval.knn = none'] });
    expect(r.diagnostics).to.deep.equal([]);
    const e = r.experiments.get('quickstart')!;
    expect(e.loss.relation).to.include({ miner: 'knn' });
    expect(e.teacher!.width).to.equal(0.5);
    expect(e.eval.knn).to.equal(null);
    expect(r.provenance.get('quickstart')!.get('teacher.width')!.span!.file).to.equal('<--set 2>');
  });

  it('reports an unreadable file once, without a span', () => {
    const r = compileFile('experiments/no-such-file.rekd');
    expect(errors(r).map((d) => [d.code, d.span])).to.deep.equal([['RK0002', null]]);
    expect(errors(r)[0].message).to.equal("cannot read 'experiments/no-such-file.rekd': no such file");
  });

  it('suggests the .rekd file of that folder a missing name is close to: a typo, another case, no extension', () => {
    const message = (file: string) => errors(compileFile(file))[0].message;
    expect(message('experiments/quickstrat.rekd')).to.equal("cannot read 'experiments/quickstrat.rekd': no such file; did you mean 'experiments/quickstart.rekd'?");
    expect(message('experiments/Quickstart.rekd')).to.match(/did you mean 'experiments\/quickstart\.rekd'\?$/);
    expect(message('experiments/paper')).to.match(/did you mean 'experiments\/paper\.rekd'\?$/);
  });

  it('reports three independent mistakes as three diagnostics in one run', () => {
    const text = `experiment three {
  data fashion_mnist { train_size = 5000 }
  student alexnet { widht = 0.5 }
  loss { instance moco { temperature = 0 } }
  schedule cosine { epochs = 5, warmup_epochs = 1 }
  optimizer sgd { lr = 0.1, momentum = 0.9 }
  backend = wsam
}`;
    const r = compileSource(text, 'three.rekd');
    expect(r.diagnostics.map((d) => [d.code, d.span!.line, d.span!.column, d.suggestion])).to.deep.equal([
      ['RK0201', 3, 21, 'width'],
      ['RK0302', 4, 40, undefined],
      ['RK0301', 7, 13, 'wasm'],
    ]);
  });
});
