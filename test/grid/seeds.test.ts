/**
 * Seeds in grids, without training: the t quantile against published values, the plan's seeds
 * and methods, method labels of experiments/paper.rekd's cells, and the aggregation of hand-written
 * cell directories (eval.json, resolved.json, status) into mean ± std, paired differences with
 * their t intervals, floors, gates and the verdict, every expected number computed here by hand.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { compileFile, compileSource, type CompiledGrid, type GridCell } from '../../src/compiler.ts';
import { methodTable } from '../../src/grid/aggregate.ts';
import { runDirectory } from '../../src/runs/directory.ts';
import { gridFolder, manifestOf, writeManifest } from '../../src/grid/folder.ts';
import { gatesOf, verdictOf } from '../../src/grid/gates.ts';
import { methodLabel, studentLabel } from '../../src/grid/methods.ts';
import { planGrid, renderPlan } from '../../src/grid/plan.ts';
import { writeResults } from '../../src/grid/results.ts';
import type { Metric, ResultRow } from '../../src/grid/rows.ts';
import { meanInterval, summarize, tQuantile } from '../../src/grid/stats.ts';
import { compiledGrid } from './fixture.ts';
import { fakeRun, folderPerTest } from './hand-written-runs.ts';

const base = `
experiment base {
  seed = 1
  data synthetic { classes = 4, size = 16, count = 64, test_count = 16 }
  teacher resnet18 { width = 0.25, mode = offline, pretrain { epochs = 1 } }
  student alexnet { width = 0.5 }
  loss {
    instance moco {}
    relation rekd {}
    supervised { weight = 0 }
  }
  schedule cosine { epochs = 2 }
}
`;
const methodsZip = `
  zip {
    loss.supervised.weight = [1, 0, 0, 0, 0]
    loss.instance          = [none, moco, none, none, moco]
    loss.relation          = [none, none, seed, compress, rekd]
    teacher                = [none, none, resnet18, resnet18, resnet18]
  }`;
const source = `${base}
grid methods of base {
  seed = [1, 2, 3]
  student = [alexnet, mobilenetv2]${methodsZip}
}
grid single of base {
  student = [alexnet, mobilenetv2]${methodsZip}
}
`;

const compiled = (name: string): CompiledGrid => compiledGrid(source, 'seeds.rekd', name);

/** Per student, method and metric: the value at seeds 1, 2, 3 (null: the cell did not finish). */
const LINEAR: Record<string, Array<number | null>> = {
  supervised: [0.90, 0.91, 0.92], moco: [0.70, 0.72, 0.74], seed: [0.71, 0.72, 0.76], compress: [0.70, 0.73, null], rekd: [0.73, 0.76, 0.76],
};
const KNN: Record<string, number[]> = {
  supervised: [0.85, 0.86, 0.87], moco: [0.60, 0.62, 0.64], seed: [0.61, 0.62, 0.63], compress: [0.60, 0.64, 0], rekd: [0.63, 0.65, 0.64],
};
/** The frozen teacher's kNN top-1 per seed, in the distillation cells: alexnet's passes G1, mobilenetv2's does not. */
const TEACHER: Record<string, number[]> = { alexnet: [0.70, 0.68, 0.72], mobilenetv2: [0.64, 0.64, 0.64] };
const FLOORS = { pixelsLinear: [0.65, 0.66, 0.67], pixelsKnn: [0.55, 0.56, 0.57], untrainedLinear: [0.60, 0.62, 0.64], untrainedKnn: [0.50, 0.50, 0.50] };

function evaluationOf(cell: GridCell, floors: boolean): unknown {
  const { seed, student, teacher } = cell.experiment;
  const method = methodLabel(cell.experiment);
  const i = seed - 1;
  const linear = LINEAR[method][i];
  if (linear === null) return undefined;
  return {
    linear: { top1: linear }, knn: { top1: KNN[method][i] },
    ...(teacher ? { teacher: { knn: { top1: TEACHER[student.kind][i] } } } : {}),
    ...(floors ? {
      floors: {
        pixels: { linear: { top1: FLOORS.pixelsLinear[i] }, knn: { top1: FLOORS.pixelsKnn[i] } },
        untrained: { linear: { top1: FLOORS.untrainedLinear[i] }, knn: { top1: FLOORS.untrainedKnn[i] } },
      },
    } : {}),
  };
}

/** Writes grid.json and every cell's directory; returns the grid folder. */
function writeGrid(grid: CompiledGrid, runs: string, floors = true): string {
  const folder = gridFolder(grid.name, runs);
  writeManifest(folder, manifestOf(grid, 'seeds.rekd', runs));
  for (const cell of grid.cells) fakeRun(runDirectory(cell.experiment, runs), cell.experiment, evaluationOf(cell, floors));
  return folder;
}

const csvRows = (file: string): Array<Record<string, string>> => {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
  return lines.map((line) => Object.fromEntries(header.map((name, i) => [name, line[i]])));
};

describe('seeds in grids', () => {
  const workspace = folderPerTest('rekd-seeds-');

  describe('statistics', () => {
    it('summarises values as mean and sample standard deviation (n - 1)', () => {
      const s = summarize([0.70, 0.72, 0.74])!;
      expect(s.n).to.equal(3);
      expect(s.mean).to.be.closeTo(0.72, 1e-12);
      // ((-0.02)^2 + 0 + 0.02^2) / (3 - 1) = 0.0004
      expect(s.std).to.be.closeTo(0.02, 1e-12);
      expect(summarize([0.5])).to.deep.equal({ n: 1, mean: 0.5 });
      expect(summarize([])).to.equal(undefined);
    });

    it("computes Student's t quantiles (tables: 12.706, 4.303, 3.182, 2.776, 2.228, 2.042; normal 1.960)", () => {
      const table: Array<[number, number, number]> = [
        [0.975, 1, 12.7062], [0.975, 2, 4.3027], [0.975, 3, 3.1824], [0.975, 4, 2.7764], [0.975, 10, 2.2281], [0.975, 30, 2.0423],
        [0.995, 1, 63.6567], [0.995, 5, 4.0321], [0.95, 7, 1.8946], [0.9, 20, 1.3253],
      ];
      for (const [p, df, t] of table) expect(tQuantile(p, df), `t(${p}, ${df})`).to.be.closeTo(t, 1e-4);
      expect(tQuantile(0.975, 100_000)).to.be.closeTo(1.95996, 1e-4);
      expect(tQuantile(0.025, 4)).to.be.closeTo(-2.7764, 1e-4);
    });

    it('gives a mean its t interval, undefined below two values', () => {
      const interval = meanInterval([0.03, 0.04, 0.02])!;
      // mean 0.03, std 0.01: 0.03 +- 4.3027 x 0.01 / sqrt(3) = 0.03 +- 0.024842
      expect(interval.low).to.be.closeTo(0.03 - 0.024842, 1e-5);
      expect(interval.high).to.be.closeTo(0.03 + 0.024842, 1e-5);
      expect(meanInterval([0.03])).to.deep.equal({ n: 1, mean: 0.03 });
    });
  });

  describe('method labels', () => {
    it("names the methods of paper.rekd's grids from their resolved losses", () => {
      const result = compileFile('experiments/paper.rekd');
      const labels = (grid: string) => result.grids.get(grid)!.cells.map((c) => methodLabel(c.experiment));
      expect(labels('quick').slice(0, 5)).to.deep.equal(['supervised', 'moco', 'seed', 'compress', 'rekd']);
      expect(labels('alexnet')).to.deep.equal(['supervised', 'moco', 'seed', 'compress', 'rekd']);
      expect(labels('alexnet_untrained')).to.deep.equal(['zero loss']);
      expect(new Set(labels('untrained'))).to.deep.equal(new Set(['zero loss']));
      expect(result.grids.get('quick')!.cells.slice(0, 10).map((c) => studentLabel(c.experiment)))
        .to.deep.equal([...Array(5).fill('alexnet w0.5'), ...Array(5).fill('mobilenetv3 small w0.5')]);
    });

    it('names combinations that are no method of the paper by their terms', () => {
      const ablations = compileFile('experiments/ablations.rekd');
      expect(ablations.grids.get('loss_terms')!.cells.map((c) => methodLabel(c.experiment))).to.deep.equal(['rekd', 'rekd relation', 'moco']);
      const moco = { kind: 'moco' as const, weight: 1, temperature: 0.2, queue: 16, momentum: 0.99, symmetric: false, bn_groups: 1 };
      const seed = { kind: 'seed' as const, weight: 1, student_temperature: 0.2, teacher_temperature: 0.01 };
      expect(methodLabel({ loss: { instance: moco, relation: seed, supervised: null } })).to.equal('moco + seed relation');
      expect(methodLabel({ loss: { instance: moco, relation: null, supervised: { weight: 0.5 } } })).to.equal('supervised + moco');
      // A term of weight 0 is off.
      expect(methodLabel({ loss: { instance: { ...moco, weight: 0 }, relation: seed, supervised: null } })).to.equal('seed');
    });
  });

  describe('plan', () => {
    it('lists every cell with its seed and method, seeds varying slowest', () => {
      const text = renderPlan(planGrid(compiled('methods'), workspace.runs)).split('\n');
      expect(text[0]).to.equal('grid methods of base: 30 cells, 0 complete, 0 interrupted, 0 running, 30 new');
      expect(text[1]).to.equal('seeds 1, 2, 3 across 10 settings (the results aggregate each setting over its seeds)');
      const header = text.findIndex((line) => line.startsWith('cell'));
      expect(text[header]).to.match(/^cell +run id +seed +method +state +differences from base$/);
      const cells = text.slice(header + 1).map((line) => line.split(/ {2,}/).slice(0, 5));
      const expected = [1, 2, 3].flatMap((seed) => ['alexnet', 'mobilenetv2'].flatMap(() =>
        ['supervised', 'moco', 'seed', 'compress', 'rekd'].map((method) => [String(seed), method, 'new'])));
      expect(cells.map(([, , seed, method, state]) => [seed, method, state])).to.deep.equal(expected);
      // The seed has its own column: the differences leave it out (seed 1 is the base's).
      expect(text[header + 11]).to.match(/^methods_10 +[0-9a-f]{12} +2 +supervised +new +teacher resnet18 -> none, loss.instance moco -> none, loss.relation rekd -> none, loss.supervised.weight 0 -> 1$/);
      expect(text[header + 2]).to.match(/^methods_1 +[0-9a-f]{12} +1 +moco +new +teacher resnet18 -> none, loss.relation rekd -> none$/);
    });

    it('keeps the cells of the first seed in their run directories when the seed axis comes first with the base seed', () => {
      // The grid before its seeds were added: the same grid less its first line.
      const before = compileSource(source.replace('  seed = [1, 2, 3]\n', ''), 'seeds.rekd').grids.get('methods')!.cells;
      const after = compiled('methods').cells;
      expect(before).to.have.length(10);
      for (const [i, cell] of before.entries()) expect(runDirectory(after[i].experiment, workspace.runs)).to.equal(runDirectory(cell.experiment, workspace.runs));
    });

    it('gives each seed its own teacher pretrain stage', () => {
      const text = renderPlan(planGrid(compiled('methods'), workspace.runs));
      expect(text.split('\n')[2]).to.equal("3 teacher pretrain stages: a stage's recipe includes its seed (the experiment's unless teacher.pretrain.seed is set), so each seed pretrains its own teacher");
      // Per seed, the two students x three distillation methods share one stage (indices 10 x seed + 5 x student + 2, 3, 4).
      expect(text).to.contain('one teacher pretrain stage shared by methods_2, methods_3, methods_4, methods_7, methods_8, methods_9 (trained once');
      expect(text).to.contain('one teacher pretrain stage shared by methods_12, methods_13, methods_14, methods_17, methods_18, methods_19 (trained once');
    });
  });

  describe('results', () => {
    it('keeps one row per cell at full precision and adds one row per setting with mean, std and n over seeds', () => {
      const folder = writeGrid(compiled('methods'), workspace.runs);
      writeResults(folder);
      const cells = csvRows(path.join(folder, 'results.csv'));
      expect(cells).to.have.length(30);
      expect(Object.keys(cells[0]).slice(0, 8)).to.deep.equal(['cell', 'student', 'loss.supervised.weight', 'loss.instance', 'loss.relation', 'teacher', 'seed', 'method']);
      expect(cells[13]).to.include({ cell: 'methods_13', student: 'alexnet', seed: '2', method: 'compress', state: 'complete', linear_top1: '0.73', pixels_linear_top1: '0.66' });
      expect(cells[23]).to.include({ cell: 'methods_23', seed: '3', method: 'compress', state: 'interrupted', linear_top1: '' });

      const settings = csvRows(path.join(folder, 'results-summary.csv'));
      expect(settings).to.have.length(10);
      const setting = (student: string, method: string) => settings.find((s) => s.student === `${student} w0.5` && s.method === method)!;
      const moco = setting('alexnet', 'moco');
      expect(moco).to.include({ seeds: '1 2 3', cells: '3', complete: '3', linear_top1_n: '3' });
      expect(Number(moco.linear_top1_mean)).to.be.closeTo(0.72, 1e-12);
      expect(Number(moco.linear_top1_std)).to.be.closeTo(0.02, 1e-12);
      // seed: 0.71, 0.72, 0.76: mean 0.73, squares 4 + 1 + 9 (x 1e-4) over 2: std sqrt(7e-4)
      expect(Number(setting('alexnet', 'seed').linear_top1_std)).to.be.closeTo(Math.sqrt(7e-4), 1e-12);
      // compress finished seeds 1 and 2 only: 0.70, 0.73.
      const compress = setting('alexnet', 'compress');
      expect(compress).to.include({ seeds: '1 2', cells: '3', complete: '2', linear_top1_n: '2' });
      expect(Number(compress.linear_top1_mean)).to.be.closeTo(0.715, 1e-12);
      expect(Number(compress.linear_top1_std)).to.be.closeTo(0.03 / Math.SQRT2, 1e-12);
    });

    it('pairs each method with moco by seed: mean difference and 95% t interval', () => {
      const folder = writeGrid(compiled('methods'), workspace.runs);
      writeResults(folder);
      const paired = csvRows(path.join(folder, 'results-paired.csv'));
      const find = (student: string, method: string, metric: string) =>
        paired.find((p) => p.student === `${student} w0.5` && p.method === method && p.metric === metric)!;
      // rekd - moco, linear: 0.03, 0.04, 0.02 -> mean 0.03, std 0.01, t(0.975, 2) = 4.3027
      const rekd = find('alexnet', 'rekd', 'linear_top1');
      expect(rekd).to.include({ baseline: 'moco', n: '3', seeds: '1 2 3' });
      expect(Number(rekd.mean_difference)).to.be.closeTo(0.03, 1e-12);
      expect(Number(rekd.std)).to.be.closeTo(0.01, 1e-12);
      expect(Number(rekd.ci95_low)).to.be.closeTo(0.03 - 4.3027 * 0.01 / Math.sqrt(3), 1e-6);
      expect(Number(rekd.ci95_high)).to.be.closeTo(0.03 + 4.3027 * 0.01 / Math.sqrt(3), 1e-6);
      // rekd - moco, kNN: 0.03, 0.03, 0.00 -> mean 0.02, std sqrt((1 + 1 + 4) x 1e-4 / 2)
      const knn = find('alexnet', 'rekd', 'knn_top1');
      const std = Math.sqrt(3e-4);
      expect(Number(knn.mean_difference)).to.be.closeTo(0.02, 1e-12);
      expect(Number(knn.ci95_low)).to.be.closeTo(0.02 - 4.3027 * std / Math.sqrt(3), 1e-6);
      // compress - moco over the two seeds both finished: 0.00, 0.01 -> mean 0.005, std 0.01 / sqrt(2), t(0.975, 1) = 12.7062
      const compress = find('alexnet', 'compress', 'linear_top1');
      expect(compress).to.include({ n: '2', seeds: '1 2' });
      expect(Number(compress.ci95_high)).to.be.closeTo(0.005 + 12.7062 * (0.01 / Math.SQRT2) / Math.SQRT2, 1e-5);
      expect(paired.filter((p) => p.method === 'moco')).to.deep.equal([]);
      expect(paired).to.have.length(2 * 4 * 2);
    });

    it('prints the gates first, then tables of methods with the floors as mean ± std (n)', () => {
      const folder = writeGrid(compiled('methods'), workspace.runs);
      const { report, gates } = writeResults(folder);
      const markdown = fs.readFileSync(report, 'utf8');
      const lines = markdown.split('\n');
      // The failing gate comes first: mobilenetv2's teacher is 0.64 against a MoCo kNN mean of 0.62.
      expect(lines[2]).to.equal('**G1 fails (mobilenetv2 w0.5): no conclusion about the method is drawn from this table.**');
      expect(lines[4]).to.match(/^From `seeds.rekd`: 30 cells \(10 settings, seeds 1, 2, 3\), 28 complete\./);
      // alexnet: teacher 0.70, 0.68, 0.72 (mean 0.70, std 0.02) vs MoCo kNN 0.62: +8 points, 3 above the bar.
      expect(gates).to.deep.equal([
        "G1 PASS (alexnet w0.5): the teacher's kNN top-1 70.00 ± 2.00 (n=3) is +8.00 points above the student's MoCo kNN top-1 62.00 ± 2.00 (n=3); needs +5.00: margin +3.00 points",
        // MoCo linear 0.72 against raw pixels 0.66 and untrained 0.62.
        "G2 PASS (alexnet w0.5): the student's MoCo linear top-1 72.00 ± 2.00 (n=3) is +6.00 points above the raw-pixel probe 66.00 ± 1.00 (n=3) and +10.00 above the untrained floor 62.00 ± 2.00 (n=3); needs +3.00 above both: margin +3.00 points",
        // 0.03 -+ 0.024842: [0.52, 5.48] points.
        'verdict (alexnet w0.5): rekd > moco holds: linear top-1 rekd - moco +3.00, 95% interval [+0.52, +5.48] (n=3), above 0',
        "G1 FAIL (mobilenetv2 w0.5): the teacher's kNN top-1 64.00 ± 0.00 (n=3) is +2.00 points above the student's MoCo kNN top-1 62.00 ± 2.00 (n=3); needs +5.00: margin -3.00 points",
        "G2 PASS (mobilenetv2 w0.5): the student's MoCo linear top-1 72.00 ± 2.00 (n=3) is +6.00 points above the raw-pixel probe 66.00 ± 1.00 (n=3) and +10.00 above the untrained floor 62.00 ± 2.00 (n=3); needs +3.00 above both: margin +3.00 points",
        'verdict (mobilenetv2 w0.5): none: G1 fails; no conclusion about the method is drawn',
      ]);
      for (const line of gates) expect(markdown).to.contain(`- ${line}\n`);
      expect(markdown).to.contain([
        '| student | raw pixels | untrained | supervised | moco | seed | compress | rekd |',
        '|---|---|---|---|---|---|---|---|',
        '| alexnet w0.5 | 66.00 ± 1.00 (n=3) | 62.00 ± 2.00 (n=3) | 91.00 ± 1.00 (n=3) | 72.00 ± 2.00 (n=3) | 73.00 ± 2.65 (n=3) | 71.50 ± 2.12 (n=2) | 75.00 ± 1.73 (n=3) |',
      ].join('\n'));
      // The kNN table adds the teacher; kNN floors 0.55, 0.56, 0.57 and 0.50 x 3.
      expect(markdown).to.contain('| student | raw pixels | untrained | teacher | supervised | moco | seed | compress | rekd |');
      expect(markdown).to.contain('| mobilenetv2 w0.5 | 56.00 ± 1.00 (n=3) | 50.00 ± 0.00 (n=3) | 64.00 ± 0.00 (n=3) | 86.00 ± 1.00 (n=3) | 62.00 ± 2.00 (n=3) |');
      expect(markdown).to.contain('| alexnet w0.5 | rekd - moco | linear top-1 | +3.00, 95% interval [+0.52, +5.48] (n=3) | 1, 2, 3 |');
      expect(markdown).to.contain('| alexnet w0.5 | compress - moco | linear top-1 | +0.50, 95% interval [-5.85, +6.85] (n=2) | 1, 2 |');
      // The settings table: alexnet's moco setting over its three seeds, as fractions.
      expect(markdown).to.contain('| alexnet | 0 | moco | none | none | moco | 1, 2, 3 | 0.72 ± 0.02 (n=3) | 0.62 ± 0.02 (n=3) |');
      expect(markdown.indexOf('## Gates')).to.be.lessThan(markdown.indexOf('## Methods'));
      expect(markdown.indexOf('## Methods')).to.be.lessThan(markdown.indexOf('## Cells'));
      // Plots show means over seeds against each setting axis, never against the seed.
      expect(fs.readdirSync(path.join(folder, 'plots')).sort()).to.deep.equal(['loss.instance.svg', 'loss.relation.svg', 'loss.supervised.weight.svg', 'student.svg', 'teacher.svg']);
    });

    it('shows a single-seed grid with n = 1, intervals undefined and no verdict', () => {
      const folder = writeGrid(compiled('single'), workspace.runs);
      const { report, gates } = writeResults(folder);
      const markdown = fs.readFileSync(report, 'utf8');
      expect(markdown).to.contain('10 cells (10 settings, seed 1), 10 complete');
      expect(markdown).to.contain('| alexnet w0.5 | 65.00 (n=1) | 60.00 (n=1) | 90.00 (n=1) | 70.00 (n=1) | 71.00 (n=1) | 70.00 (n=1) | 73.00 (n=1) |');
      expect(markdown).to.contain('| alexnet w0.5 | rekd - moco | linear top-1 | +3.00 (n=1: the interval needs 2 seeds or more) | 1 |');
      expect(markdown).not.to.contain('## Settings');
      expect(gates[2]).to.equal('verdict (alexnet w0.5): rekd > moco cannot be decided: linear top-1 rekd - moco +3.00 (n=1: the interval needs 2 seeds or more)');
    });

    it('says a gate does not apply, and why, without floors, teacher or moco', () => {
      const folder = writeGrid(compiled('methods'), workspace.runs, false);
      const { gates } = writeResults(folder);
      expect(gates[1]).to.equal('G2 not applicable (alexnet w0.5): no complete cell with the raw-pixel probe (floors.pixels.linear.top1) or ' +
        'the untrained floor (floors.untrained.linear.top1) in eval.json');
      expect(gates[2]).to.equal('verdict (alexnet w0.5): none: G2 is not applicable; no conclusion about the method is drawn');

      const row = (method: string, seed: number, metrics: Partial<Record<Metric, number>>): ResultRow =>
        ({ cell: `${method}${seed}`, values: { m: method, seed }, seed, method, student: 'alexnet w0.5', state: 'complete', metrics, dir: '' });
      const withoutMoco = gatesOf(methodTable([row('rekd', 1, { linear_top1: 0.5 }), row('seed', 1, { linear_top1: 0.4 })], ['seed']), 'linear_top1');
      expect(withoutMoco).to.deep.equal([{ label: null, gates: [
        { name: 'G1', status: 'not applicable', detail: 'the grid has no moco cell (the baseline both gates measure)' },
        { name: 'G2', status: 'not applicable', detail: 'the grid has no moco cell (the baseline both gates measure)' },
      ] }]);
      const noTeacher = gatesOf(methodTable([row('moco', 1, { knn_top1: 0.5 }), row('supervised', 1, { knn_top1: 0.6 })], ['seed']), 'linear_top1');
      expect(noTeacher[0].gates[0]).to.deep.equal({ name: 'G1', status: 'not applicable', detail: 'no complete cell with a teacher (teacher.knn.top1 in eval.json)' });
    });

    it('decides rekd > moco only when the interval lies on one side of 0', () => {
      const rows = (method: string, values: number[]): ResultRow[] => values.map((v, i) =>
        ({ cell: `${method}${i}`, values: {}, seed: i + 1, method, state: 'complete', metrics: { linear_top1: v }, dir: '' }));
      const moco = rows('moco', [0.70, 0.72, 0.74]);
      // Differences -0.03, -0.02, -0.04: mean -0.03, high -0.03 + 0.024842 < 0.
      expect(verdictOf(rows('rekd', [0.67, 0.70, 0.70]), moco, 'linear_top1').outcome).to.equal('does not hold');
      // Identical results: the interval is [0, 0], at 0: no gain.
      expect(verdictOf(rows('rekd', [0.70, 0.72, 0.74]), moco, 'linear_top1').outcome).to.equal('does not hold');
      // Differences 0.01, -0.01, 0.03: mean 0.01, std 0.02, half-width 0.0497: contains 0. With that mean and
      // std, n seeds decide it once t(0.975, n - 1) x 0.02 / sqrt(n) < 0.01: n = 18 (2.110 x 0.02 / 4.243 = 0.00995).
      const open = verdictOf(rows('rekd', [0.71, 0.71, 0.77]), moco, 'linear_top1');
      expect(open.outcome).to.equal('cannot be decided');
      expect(open.detail).to.contain('contains 0; about 18 seeds would decide it');
      expect(verdictOf(rows('rekd', [0.73, 0.76, 0.76]), moco, 'linear_top1').outcome).to.equal('holds');
    });

    it('prints the gates on `rekdc report` of a grid folder', async () => {
      writeGrid(compiled('methods'), workspace.runs);
      const child = spawn(process.execPath, [path.resolve('bin/rekdc.js'), 'report', 'runs/grids/methods'], { cwd: workspace.cwd });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).to.equal(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).to.match(/^G1 PASS \(alexnet w0\.5\): /);
      expect(lines).to.have.length(7);
      expect(lines[6]).to.equal('runs/grids/methods/results.md');
    }).timeout(30_000);
  });
});
