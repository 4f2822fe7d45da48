import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../src/runtime/run/atomic.ts';
import { openRunDirectory, RunError } from '../../src/runtime/run/directory.ts';
import { MetricsLog, readMetrics, type StepRecord } from '../../src/runtime/run/metrics.ts';
import { buildReport, flattenResults } from '../../src/runtime/run/report.ts';
import { linePlot, markedPoints, niceTicks, plotLayout, type Box } from '../../src/runtime/run/svg.ts';
import { Progress, formatDuration } from '../../src/runtime/run/progress.ts';
import { StopRequest, exitCodeFor, InterruptedError, exitCodes } from '../../src/runtime/run/signals.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-run-'));
}

/** What `action` writes to stderr (warnings), and its result. */
function stderrOf<T>(action: () => T): { stderr: string; result: T } {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    const result = action();
    return { stderr, result };
  } finally {
    process.stderr.write = write;
  }
}

function stepRecord(step: number, total: number): StepRecord {
  return { type: 'step', step, epoch: 1, lr: 0.1, images_per_second: 100, loss: { total, instance: total / 2 } };
}

describe('run directory', () => {
  it('writes files atomically, leaving no temp file behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'a', 'b.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(fs.readFileSync(file, 'utf8')).to.equal('two');
    expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['b.txt']);
  });

  it('resumes the same experiment, refuses a different one, and starts over when fresh', () => {
    const dir = tempDir();
    const run = openRunDirectory(dir, { resolved: { name: 'x', seed: 0 }, source: 'experiment x {}' });
    expect(fs.readFileSync(run.paths.source, 'utf8')).to.equal('experiment x {}');
    run.metrics.append(stepRecord(1, 2));
    run.setStatus('interrupted', { step: 1, epoch: 1 });

    const again = openRunDirectory(dir, { resolved: { name: 'x', seed: 0 } });
    expect(again.status()?.state).to.equal('interrupted');
    expect(readMetrics(again.paths.metrics)).to.have.length(1);

    expect(() => openRunDirectory(dir, { resolved: { name: 'x', seed: 1 } })).to.throw(RunError, /different experiment/);
    // Another thread count is the same run (same bits): it resumes and resolved.json records the count.
    const threaded = openRunDirectory(dir, { resolved: { name: 'x', seed: 0, threads: 2 } });
    expect(JSON.parse(fs.readFileSync(threaded.paths.resolved, 'utf8'))).to.deep.equal({ name: 'x', seed: 0, threads: 2 });
    expect(() => openRunDirectory(dir, { resolved: { name: 'x', seed: 1, threads: 2 } })).to.throw(RunError, /different experiment/);

    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const fresh = openRunDirectory(dir, { resolved: { name: 'x', seed: 1 }, fresh: true });
    expect(fresh.status()).to.equal(undefined);
    expect(fs.existsSync(fresh.paths.metrics)).to.equal(false);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).to.equal('mine');
  });

  it('is finished only with a finished status and an eval.json', () => {
    const run = openRunDirectory(tempDir(), { resolved: {} });
    run.setStatus('finished', { step: 4, epoch: 2 });
    expect(run.finished).to.equal(false);
    run.writeEval({ knn: { top1: 0.5 } });
    expect(run.finished).to.equal(true);
    expect(run.readEval()).to.deep.equal({ knn: { top1: 0.5 } });
  });

  for (const [what, text] of [['garbage', '{"state": "runn'], ['an empty file', ''], ['null', 'null'], ['a status without its step', '{"state":"running"}']]) {
    it(`takes a status.json holding ${what} as unknown, warning once, and rebuilds it on the next write`, () => {
      const run = openRunDirectory(tempDir(), { resolved: {} });
      fs.writeFileSync(run.paths.status, text);
      const { stderr, result } = stderrOf(() => [run.status(), run.status(), run.finished]);
      expect(result).to.deep.equal([undefined, undefined, false]);
      expect(stderr).to.equal(`warning: ${run.paths.status} is damaged (not a run status); the run's state is taken as unknown until it is written again\n`);
      run.setStatus('running', { step: 3, epoch: 1 });
      expect(run.status()).to.include({ state: 'running', step: 3, epoch: 1 });
    });
  }
});

describe('metrics log', () => {
  it('skips a torn last line and truncates records after a resumed step', () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    const log = new MetricsLog(file);
    for (let step = 1; step <= 4; step++) log.append(stepRecord(step, 10 - step));
    log.append({ type: 'eval', step: 4, epoch: 1, knn_top1: 0.3 });
    fs.appendFileSync(file, '{"type":"step","st');
    expect(readMetrics(file).map((r) => r.step)).to.deep.equal([1, 2, 3, 4, 4]);
    log.truncateAfter(2);
    expect(readMetrics(file).map((r) => r.step)).to.deep.equal([1, 2]);
    log.append(stepRecord(3, 1));
    expect(readMetrics(file).map((r) => r.step)).to.deep.equal([1, 2, 3]);
  });

  it('skips damaged lines (null, a record missing fields, a torn line in the middle) with one warning naming the first', () => {
    const file = path.join(tempDir(), 'metrics.jsonl');
    const log = new MetricsLog(file);
    log.append(stepRecord(1, 3));
    fs.appendFileSync(file, 'null\n{"type":"step","step":2}\n{"type":"eval","st\n');
    log.append(stepRecord(3, 1));
    const warnings: string[] = [];
    expect(readMetrics(file, (message) => warnings.push(message)).map((r) => r.step)).to.deep.equal([1, 3]);
    expect(warnings).to.deep.equal([`${file}: line 2 (and 2 more) is not a metrics record; skipped`]);

    const { stderr } = stderrOf(() => log.truncateAfter(3));
    expect(stderr).to.equal(`warning: ${file}: line 2 (and 2 more) is not a metrics record; skipped\n`);
    expect(readMetrics(file, (message) => warnings.push(message)).map((r) => r.step)).to.deep.equal([1, 3]);
    expect(warnings, 'the resumed file is clean').to.have.length(1);
  });
});

describe('svg plots', () => {
  it('chooses round ticks that cover the range', () => {
    expect(niceTicks(0, 1)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).to.deep.equal([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(2.5, 2.5)).to.deep.equal([2.4, 2.6, 2.8, 3, 3.2, 3.4, 3.6]);
  });

  it('maps points into the data area and escapes text', () => {
    const svg = linePlot({
      title: 'a <b> & "c"', xLabel: 'step', yLabel: 'loss', width: 84, height: 100,
      series: [{ name: 'total', points: [[0, 0], [1, 1], [2, NaN]] }],
    });
    // Data area: x from 90 to 174, y from 140 (value 0) up to 40 (value 1).
    expect(svg).to.contain('<polyline points="90.0,140.0 174.0,40.0"');
    expect(svg).to.contain('a &#60;b&#62; &#38; &#34;c&#34;');
    expect(svg).not.to.contain('NaN');
  });

  /** The rectangle of `<rect class="name" ...>` in an SVG. */
  function boxOf(svg: string, name: string): Box {
    const tag = svg.match(new RegExp(`<rect class="${name}"[^>]*>`))?.[0];
    expect(tag, name).to.be.a('string');
    const attribute = (key: string) => Number(tag!.match(new RegExp(` ${key}="([^"]+)"`))![1]);
    return { x: attribute('x'), y: attribute('y'), width: attribute('width'), height: attribute('height') };
  }
  const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('puts the legend beside the data area, inside the figure, wide enough for the longest name', () => {
    const long = 'miner_precision (hard miner, k = 10)';
    const series = [{ name: 'total', points: [[0, 5], [10, 1]] as Array<[number, number]> }, { name: long, points: [[0, 0.1], [10, 0.9]] as Array<[number, number]> }];
    const svg = linePlot({ title: 'losses', xLabel: 'training step (optimiser steps)', yLabel: 'loss (nats)', series });
    const data = boxOf(svg, 'data-area');
    const legend = boxOf(svg, 'legend');
    expect(overlap(data, legend)).to.equal(false);
    const [width, height] = svg.match(/viewBox="0 0 (\d+) (\d+)"/)!.slice(1).map(Number);
    expect(legend.x + legend.width).to.be.at.most(width);
    expect(legend.y + legend.height).to.be.at.most(height);
    // 15 px sans-serif averages under 0.6 em a character: the longest name fits in its box.
    expect(legend.width).to.be.at.least(long.length * 15 * 0.55 + 30);
    expect(plotLayout({ title: 't', xLabel: 'x', yLabel: 'y', series }).legend).to.deep.equal(legend);
    // Every point of the data lies inside the data area, none in the legend.
    const points = [...svg.matchAll(/<polyline points="([^"]+)"/g)].flatMap((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    expect(points).to.have.length(4);
    for (const [x, y] of points) {
      expect(x).to.be.within(data.x, data.x + data.width);
      expect(y).to.be.within(data.y, data.y + data.height);
    }
  });

  it('marks points with a shape per series, at most 40 per series, and labels both axes', () => {
    const svg = linePlot({
      title: 't', xLabel: 'epoch (passes)', yLabel: 'kNN top-1 (%)',
      series: [{ name: 'a', points: [[1, 1], [2, 2], [3, 3]] }, { name: 'b', points: [[1, 2], [2, 3], [3, 1]] }],
    });
    // Three points and one legend swatch per series: circles for the first, squares for the second.
    expect(svg.match(/<circle /g)).to.have.length(4);
    expect(svg.match(/<rect x=/g)).to.have.length(4);
    expect(svg).to.contain('class="x-label"').and.to.contain('>epoch (passes)</text>');
    expect(svg).to.contain('>kNN top-1 (%)</text>');
    expect(markedPoints(3)).to.deep.equal([0, 1, 2]);
    const many = markedPoints(1001);
    expect(many.length).to.be.at.most(41);
    expect(many[0]).to.equal(0);
    expect(many[many.length - 1]).to.equal(1000);
  });
});

describe('report', () => {
  it('rebuilds report.md and plots from the run files', () => {
    const dir = tempDir();
    const run = openRunDirectory(dir, { resolved: { name: 'tiny' } });
    run.metrics.append(stepRecord(1, 4));
    run.metrics.append(stepRecord(2, 3));
    run.metrics.append({ type: 'eval', step: 2, epoch: 1, knn_top1: 0.625 });
    run.writeEval({ linear: { top1: 0.8125, top5: 1 }, knn: { top1: 0.75 } });
    run.setStatus('finished', { step: 2, epoch: 1 });
    const report = fs.readFileSync(buildReport(dir), 'utf8');
    expect(report).to.contain('# Run `tiny`');
    expect(report).to.contain('| linear.top1 | 0.8125 |');
    expect(report).to.contain('| knn.top1 | 0.7500 |');
    expect(report).to.contain('| 1 | 2 | 0.6250 |');
    expect(fs.readFileSync(path.join(dir, 'plots', 'knn.svg'), 'utf8')).to.contain('>kNN top-1 on a test subset (%)</text>');
    expect(report).to.contain('finished at step 2, epoch 1');
    // No source was given, so there is no source link.
    expect(report).to.contain('Files: [resolved settings](resolved.json), [metrics](metrics.jsonl), [metrics table](metrics.csv), [evaluation](eval.json).');
    expect(fs.readFileSync(path.join(dir, 'metrics.csv'), 'utf8').split('\n')).to.have.length(5); // header, 3 records, final newline
    const losses = fs.readFileSync(path.join(dir, 'plots', 'losses.svg'), 'utf8');
    expect(losses.match(/<polyline/g)).to.have.length(2);
    expect(fs.existsSync(path.join(dir, 'plots', 'knn.svg'))).to.equal(true);
    expect(report).not.to.contain('miner');
  });

  it('lists every setting of resolved.json as the language writes it', () => {
    const dir = tempDir();
    const resolved = {
      name: 'set', seed: 7, data: { kind: 'fashion_mnist', path: null, train_size: 'all' },
      augment: [{ op: 'random_resized_crop', size: 28, scale: [0.3, 1] }, { op: 'grayscale' }],
      teacher: null, loss: { instance: { kind: 'moco', bn_groups: 8 }, relation: null }, note: 'two words',
    };
    openRunDirectory(dir, { resolved });
    const report = fs.readFileSync(buildReport(dir), 'utf8');
    const settings = report.slice(report.indexOf('## Settings')).split('```')[1].trim().split('\n');
    expect(settings).to.deep.equal([
      'seed = 7', 'data.kind = fashion_mnist', 'data.path = none', 'data.train_size = all',
      'augment.random_resized_crop.size = 28', 'augment.random_resized_crop.scale = [0.3, 1]', 'augment.grayscale = {}',
      'teacher = none', 'loss.instance.kind = moco', 'loss.instance.bn_groups = 8', 'loss.relation = none', 'note = "two words"',
    ]);
  });

  it('shows the relation miner against the classes: the last window with a precision in the table, a plot over steps', () => {
    const dir = tempDir();
    const run = openRunDirectory(dir, { resolved: { name: 'mined' } });
    run.metrics.append(stepRecord(1, 4)); // warm-up: nothing measured
    run.metrics.append({ ...stepRecord(2, 3), miner_precision: 0.5, miner_positives: 4, miner_chance: 0.25 });
    run.metrics.append({ ...stepRecord(3, 2), miner_precision: 0.75, miner_positives: 5.5, miner_chance: 0.125 });
    run.metrics.append({ ...stepRecord(4, 2), miner_chance: 0.25 }); // nothing mined in a known class
    const report = fs.readFileSync(buildReport(dir), 'utf8');
    expect(report).to.contain('| miner_precision (step 3) | 0.7500 |\n| miner_chance (step 3) | 0.1250 |\n| miner_positives (step 3) | 5.5000 |\n');
    expect(report).to.contain('![miner precision and chance over steps](plots/miner.svg)');
    const plot = fs.readFileSync(path.join(dir, 'plots', 'miner.svg'), 'utf8');
    expect(plot.match(/<polyline/g)).to.have.length(2);
    expect(plot).to.contain('miner_precision').and.to.contain('miner_chance');
  });

  it('flattens nested numeric results and refuses a directory that is not a run', () => {
    expect(flattenResults({ a: { b: 1, c: 'x' }, d: 2 })).to.deep.equal([['a.b', 1], ['d', 2]]);
    expect(() => buildReport(tempDir())).to.throw(RunError, /not a run directory/);
  });
});

describe('progress', () => {
  it('prints one line every N steps when not on a terminal, with an ETA from the pace', () => {
    const out: string[] = [];
    let clock = 0;
    const progress = new Progress({
      totalSteps: 10, epochs: 2, lineEvery: 5, now: () => clock,
      stream: { write: (t: string) => out.push(t), isTTY: false },
    });
    for (let step = 1; step <= 10; step++) {
      clock = step * 1000;
      progress.update({ step, epoch: step > 5 ? 2 : 1, loss: { total: 1 / step }, imagesPerSecond: 64 });
    }
    expect(out).to.have.length(2);
    expect(out[0]).to.equal('epoch 1/2 step 5/10 total 0.2000 | 64 img/s | ETA 0:05\n');
    expect(out[1]).to.contain('step 10/10');
    expect(formatDuration(3725)).to.equal('1:02:05');
    const miner = { miner_precision: 0.875, miner_positives: 3, miner_chance: 0.25 };
    expect(progress.describe({ step: 10, epoch: 2, loss: { total: 1 }, imagesPerSecond: 64, miner })).to.equal(
      'epoch 2/2 step 10/10 total 1.0000 | miner 0.88 (chance 0.25) | 64 img/s | ETA 0:00');
  });

  it('redraws a bar in place on a terminal', () => {
    const out: string[] = [];
    const progress = new Progress({
      totalSteps: 4, epochs: 1, lineEvery: 100, now: () => 0,
      stream: { write: (t: string) => out.push(t), isTTY: true, columns: 200 },
    });
    progress.update({ step: 4, epoch: 1, loss: { total: 1 }, imagesPerSecond: 1 });
    progress.finish();
    expect(out[0].startsWith('\r\x1b[K[####################] epoch 1/1 step 4/4')).to.equal(true);
    expect(out[1]).to.equal('\n');
  });
});

describe('signals', () => {
  it('records the first SIGINT as a stop request', () => {
    const notes: string[] = [];
    const stop = new StopRequest((t) => notes.push(t)).install();
    try {
      process.emit('SIGINT', 'SIGINT');
      expect(stop.requested).to.equal(true);
      expect(stop.signal).to.equal('SIGINT');
      expect(notes[0]).to.contain('saving a checkpoint');
    } finally {
      stop.dispose();
    }
  });

  it('maps outcomes to exit codes', () => {
    expect(exitCodeFor(new InterruptedError(3, 'SIGINT'))).to.equal(exitCodes.interrupted);
    expect(exitCodeFor(new RunError('bad'))).to.equal(exitCodes.userError);
    expect(exitCodeFor(new TypeError('bug'))).to.equal(exitCodes.internalError);
  });
});
