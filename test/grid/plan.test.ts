/**
 * Planning and aggregation without training: run ids equal to `rekdc run`'s, cell states read
 * from run directories written by hand, differences from the base, shared pretrain stages, and
 * the results table and plots rebuilt from the cells' files.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { compileFile, compileSource, type CompiledGrid } from '../../src/compiler.ts';
import { runId } from '../../src/codegen/hash.ts';
import { runDirectory, runProgress } from '../../src/runs/directory.ts';
import { gridFolder, manifestOf, writeManifest } from '../../src/grid/folder.ts';
import { withThreadShare } from '../../src/grid/local.ts';
import { describeDifference, planGrid, planJson, renderPlan } from '../../src/grid/plan.ts';
import { resultsCsv, writeResults } from '../../src/grid/results.ts';
import { collectResults } from '../../src/grid/rows.ts';
import { pretrainGroups, pretrainKey } from '../../src/grid/schedule.ts';
import { openRunDirectory, runPaths } from '../../src/runtime/run/directory.ts';
import { MetricsLog, type MinerFields, type StepRecord } from '../../src/runtime/run/metrics.ts';
import type { RunInfo } from '../../src/runtime/run/run-info.ts';
import { compiledGrid } from './fixture.ts';
import { fakeRun, folderPerTest } from './hand-written-runs.ts';

const source = `
experiment base {
  data synthetic { classes = 4, size = 16, count = 64, test_count = 16 }
  teacher resnet18 { width = 0.25, mode = offline, pretrain { epochs = 1 } }
  student alexnet { width = 0.5 }
  loss {
    instance moco {}
    relation rekd {}
  }
  schedule cosine { epochs = 2 }
}
grid g of base {
  loss.relation.temperature = [0.05, 0.1]
  student = [alexnet, mobilenetv2]
  teacher.width = [0.25, 0.5]
  where not (student == mobilenetv2 and teacher.width == 0.5)
}
`;

const compiled = (): CompiledGrid => compiledGrid(source, 'plan.rekd', 'g');

describe('grid plan and results', () => {
  const workspace = folderPerTest('rekd-plan-');

  it('plans every kept cell with the run id rekdc run uses and its differences from the base', () => {
    const grid = compiled();
    const plan = planGrid(grid, workspace.runs);
    expect(plan.cells.map((c) => c.cell.name)).to.deep.equal(['g_0', 'g_1', 'g_2', 'g_4', 'g_5', 'g_6']);
    expect(grid.dropped).to.deep.equal([3, 7]);
    for (const c of plan.cells) expect(c.dir).to.equal(path.join(workspace.runs, `${c.cell.name}-${runId(c.cell.experiment)}`));
    const changes = (name: string) => Object.fromEntries(plan.cells.find((c) => c.cell.name === name)!.differences.map((d) => [d.path, [d.base, d.cell]]));
    // Index = 4 x temperature + 2 x student + teacher.width; the base has 0.1, alexnet, 0.25.
    expect(changes('g_1')).to.deep.equal({ 'loss.relation.temperature': [0.1, 0.05], 'teacher.width': [0.25, 0.5] });
    expect(changes('g_4')).to.deep.equal({});
    expect(changes('g_6')).to.deep.equal({ student: ['alexnet', 'mobilenetv2'] });
  });

  it('says the differences every cell has once, above the table, and the rest in each row', () => {
    const grid = compiledGrid(`${source}
grid longer of base {
  schedule.epochs = [3]
  student.width   = [0.25, 0.5]
}
`, 'plan.rekd', 'longer');
    const lines = renderPlan(planGrid(grid, workspace.runs)).split('\n');
    expect(lines).to.include('every cell differs from base in schedule.epochs 2 -> 3');
    const row = (cell: string) => lines.find((line) => line.startsWith(`${cell} `))!;
    expect(row('longer_0')).to.match(/ student\.width 0\.5 -> 0\.25$/);
    expect(row('longer_1')).to.match(/ only those of every cell$/);
    const alone = renderPlan(planGrid(compiledGrid(`${source}\ngrid same of base {\n  seed = [0]\n}\n`, 'plan.rekd', 'same'), workspace.runs));
    expect(alone).to.not.include('every cell differs');
    expect(alone).to.match(/same_0 .* the same as base$/m);
  });

  it('lists a block removed, added or switched to another kind once, with only the values written in it', () => {
    const { grids } = compileSource(`${source}
grid switches of base {
  zip {
    loss.relation = [seed, none, rekd]
    teacher       = [{}, none, {}]
    student       = [alexnet, alexnet, mobilenetv3]
    student.width = [0.5, 0.5, 0.25]
  }
}
grid added of base {
  loss.supervised = [{}, { weight = 0 }]
}
`, 'plan.rekd');
    const changes = (grid: CompiledGrid) => planGrid(grid, workspace.runs).cells
      .map((c) => c.differences.map(describeDifference));
    // seed's defaults (its temperatures) and the rekd attributes seed lacks come with the switch;
    // mobilenetv3's variant is a default, its width is the grid's.
    expect(changes(grids.get('switches')!)).to.deep.equal([
      ['loss.relation rekd -> seed'],
      ['teacher resnet18 -> none', 'loss.relation rekd -> none'],
      ['student alexnet -> mobilenetv3', 'student.width 0.5 -> 0.25'],
    ]);
    expect(changes(grids.get('added')!)).to.deep.equal([
      ['loss.supervised none -> {}'],
      ['loss.supervised none -> {}', 'loss.supervised.weight none -> 0'],
    ]);
    // As data: null for the absent side, {} for the block added at its defaults.
    expect(planJson(planGrid(grids.get('added')!, workspace.runs)).cells[1].differences).to.deep.equal([
      { path: 'loss.supervised', base: null, cell: {} }, { path: 'loss.supervised.weight', base: null, cell: 0 },
    ]);
    // An online teacher's pretrain stage added by the grid: the stage and its written epochs.
    const { grids: online } = compileSource(source.replace('mode = offline, pretrain { epochs = 1 }', 'mode = online')
      .replace(/grid g of base \{[^}]*\}/, 'grid offline of base {\n  teacher.mode = [offline]\n  teacher.pretrain.epochs = [3]\n}'), 'plan.rekd');
    expect(changes(online.get('offline')!)).to.deep.equal([['teacher.mode online -> offline', 'teacher.pretrain none -> {}', 'teacher.pretrain.epochs none -> 3']]);
  });

  it('reads each cell state from its run directory and a live lock', async () => {
    const grid = compiled();
    const [complete, interrupted, running, failed] = grid.cells;
    fakeRun(runDirectory(complete.experiment, workspace.runs), complete.experiment, { linear: { top1: 0.5 } });
    fakeRun(runDirectory(interrupted.experiment, workspace.runs), interrupted.experiment);
    openRunDirectory(runDirectory(failed.experiment, workspace.runs), { resolved: failed.experiment }).setStatus('failed', { step: 1, epoch: 1 }, 'out of memory');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      fs.mkdirSync(runDirectory(running.experiment, workspace.runs), { recursive: true });
      fs.writeFileSync(path.join(runDirectory(running.experiment, workspace.runs), '.lock'), String(sleeper.pid));
      const plan = planGrid(grid, workspace.runs);
      expect(plan.cells.map((c) => c.state)).to.deep.equal(['complete', 'interrupted', 'running', 'failed', 'new', 'new']);
      expect(plan.cells[2].pid).to.equal(sleeper.pid);
      const text = renderPlan(plan);
      expect(text.split('\n')[0]).to.equal('grid g of base: 6 cells, 1 complete, 1 failed, 1 interrupted, 1 running, 2 new');
      expect(text).to.contain('where dropped 2 of 8 cells (g_3, g_7)');
      expect(text).to.match(new RegExp(`g_0 +${runId(complete.experiment)} +0 +rekd +complete +loss.relation.temperature 0.1 -> 0.05`));
    } finally {
      sleeper.kill();
    }
    await new Promise((resolve) => sleeper.on('exit', resolve));
    // A lock whose process is gone does not count.
    expect(runProgress(runDirectory(running.experiment, workspace.runs)).state).to.equal('new');
  });

  it('gives each of `jobs` cells its share of the cores unless the cell sets threads, in the same run directory', () => {
    const cell = compiled().cells[0].experiment;
    expect(withThreadShare(cell, 1, 8).threads).to.equal(0);
    expect(withThreadShare(cell, 2, 8).threads).to.equal(4);
    expect(withThreadShare(cell, 3, 8).threads).to.equal(2);
    expect(withThreadShare(cell, 4, 2).threads).to.equal(1);
    expect(withThreadShare({ ...cell, threads: 3 }, 2, 2).threads).to.equal(3);
    expect(runDirectory(withThreadShare(cell, 2, 8), workspace.runs)).to.equal(runDirectory(cell, workspace.runs));
  });

  it('groups the cells sharing one offline teacher recipe', () => {
    const groups = pretrainGroups(compiled().cells);
    const members = [...groups].map(([cell, group]) => `${cell}: ${group.map((c) => c.name).join(' ')}`);
    // teacher.width 0.25: g_0, g_2, g_4, g_6; 0.5: g_1, g_5 (g_3 and g_7 dropped).
    expect(members).to.deep.equal(['g_0: g_0 g_2 g_4 g_6', 'g_1: g_1 g_5', 'g_2: g_0 g_2 g_4 g_6', 'g_4: g_0 g_2 g_4 g_6', 'g_5: g_1 g_5', 'g_6: g_0 g_2 g_4 g_6']);
    const text = renderPlan(planGrid(compiled(), workspace.runs));
    expect(text).to.contain('one teacher pretrain stage shared by g_0, g_2, g_4, g_6 (trained once');
    expect(text).to.contain('one teacher pretrain stage shared by g_1, g_5 (trained once');
  });

  it('groups cells by the pretrain recipe as trained, not as written', () => {
    const { grids } = compileSource(`${source}
grid own of base {
  teacher.pretrain.lr = [0.06, 0.1]
  optimizer.lr = [0.06, 0.1]
}
grid inherited of base {
  optimizer.lr = [0.06, 0.1]
}
grid overridden of base {
  teacher.temperature = [0.2, 0.3]
  teacher.pretrain.temperature = [0.1]
}
grid seeds of base {
  seed = [1, 2]
}
grid seeds_shared of base {
  seed = [1, 2]
  teacher.pretrain.seed = [7]
}
grid unused of base {
  loss.relation = [none, {}]
}
`, 'plan.rekd');
    const cells = (grid: string) => grids.get(grid)!.cells;
    const groupsOf = (grid: string) => new Set([...pretrainGroups(cells(grid)).values()].map((group) => group.map((c) => c.name).join(' ')));
    // A stage with its own lr does not depend on the experiment's; one without takes it.
    expect(groupsOf('own')).to.deep.equal(new Set(['own_0 own_1', 'own_2 own_3']));
    expect(groupsOf('inherited')).to.deep.equal(new Set(['inherited_0', 'inherited_1']));
    // lr 0.06 written in the stage, or the experiment's 0.06: one recipe.
    expect(pretrainKey(cells('own')[0])).to.equal(pretrainKey(cells('inherited')[0]));
    // A teacher no relation term reads is not built, so its cell pretrains nothing (RK0508).
    expect(pretrainKey(cells('unused')[0])).to.equal(null);
    expect(groupsOf('unused')).to.deep.equal(new Set(['unused_1']));
    // The stage's own temperature replaces the teacher block's.
    expect(groupsOf('overridden')).to.deep.equal(new Set(['overridden_0 overridden_1']));
    // Seeds train a teacher each, unless the stage has a seed of its own.
    expect(groupsOf('seeds')).to.deep.equal(new Set(['seeds_0', 'seeds_1']));
    expect(groupsOf('seeds_shared')).to.deep.equal(new Set(['seeds_shared_0 seeds_shared_1']));
  });

  it('finds the ablation grids of experiments/ clean, without warnings (notes about same-architecture cells only)', () => {
    const result = compileFile('experiments/ablations.rekd');
    expect(result.diagnostics.filter((d) => d.severity !== 'note')).to.deep.equal([]);
    expect(result.diagnostics.map((d) => d.code)).to.deep.equal(['RK0505', 'RK0505']);
    const sizes = Object.fromEntries([...result.grids].map(([name, grid]) => [name, grid.cells.length]));
    expect(sizes).to.deep.equal({ relation_temperature: 5, prototype_count: 5, loss_weights: 10, loss_terms: 3, teacher_architecture: 5, teacher_mode: 3 });
  });

  it('writes one row per cell with varied values and metrics, and a plot per axis', () => {
    const grid = compiled();
    const folder = gridFolder('g', workspace.runs);
    writeManifest(folder, manifestOf(grid, 'plan.rekd', workspace.runs));
    const [first, second] = grid.cells;
    fakeRun(runDirectory(first.experiment, workspace.runs), first.experiment, {
      linear: { top1: 0.625, top5: 1 }, knn: { top1: 0.5 }, collapse: { effectiveRank: 3.25, alignment: 0.5, uniformity: -1.5, purity: 0.75 },
      teacher: { knn: { top1: 0.875 } }, floors: { pixels: { knn: { top5: 0.125 } } },
    });
    const info: RunInfo = {
      sessions: [{
        started: '2026-01-01T00:00:00.000Z', wall_seconds: 130, training_seconds: 100, steps: 200, images: 25600, evaluation_seconds: 20,
        backend: { name: 'wasm', version: '4.22.0', threads: 2, kernel_path: 'avx2' },
        machine: { cpu: 'AMD EPYC', cores: 2, platform: 'linux x64', node: 'v22.0.0' }, rekd: { version: '0.1.0', commit: 'abc123' },
      }],
      evaluation: { step: 200, checkpoint: 'checkpoints/latest.ckpt' },
    };
    fs.writeFileSync(runPaths(runDirectory(first.experiment, workspace.runs)).runInfo, JSON.stringify(info));
    fakeRun(runDirectory(second.experiment, workspace.runs), second.experiment, { linear: { top1: 0.375 }, knn: { top1: 0.25 } });
    // The miner columns come from g_0's last window that measured the miner (step 4), not the later one that did not.
    const window = (step: number, miner: MinerFields): StepRecord => ({ type: 'step', step, epoch: 1, lr: 0.1, images_per_second: 10, loss: { total: 1 }, ...miner });
    const log = new MetricsLog(runPaths(runDirectory(first.experiment, workspace.runs)).metrics);
    log.append(window(2, { miner_precision: 0.125, miner_positives: 3, miner_chance: 0.25 }));
    log.append(window(4, { miner_precision: 0.5625, miner_positives: 2, miner_chance: 0.3125 }));
    log.append(window(6, {}));
    const rows = collectResults(manifestOf(grid, 'plan.rekd', workspace.runs), folder);
    const csv = resultsCsv(rows, grid.axes).trim().split('\n');
    expect(csv[0]).to.equal('cell,loss.relation.temperature,student,teacher.width,seed,method,state,linear_top1,knn_top1,effective_rank,alignment,uniformity,purity,' +
      'teacher_knn_top1,pixels_linear_top1,pixels_knn_top1,untrained_linear_top1,untrained_knn_top1,miner_precision,miner_chance,wall_seconds,' +
      // eval.json's other numbers (g_0's linear.top5, its pixel floor's kNN top-5), then run-info.json's columns.
      'linear_top5,pixels_knn_top5,training_seconds,evaluation_seconds,images_per_second,backend,kernel_path,threads,cpu,rekd_version,rekd_commit,' +
      'evaluated_checkpoint,evaluated_step,run_dir');
    const unrun = ',,,,,,,,,,,';
    expect(csv[1]).to.equal(`g_0,0.05,alexnet,0.25,0,rekd,complete,0.625,0.5,3.25,0.5,-1.5,0.75,0.875,,,,,0.5625,0.3125,,1,0.125,` +
      `100,20,256,wasm,avx2,2,AMD EPYC,0.1.0,abc123,checkpoints/latest.ckpt,200,${runDirectory(first.experiment, workspace.runs)}`);
    expect(csv[2]).to.equal(`g_1,0.05,alexnet,0.5,0,rekd,complete,0.375,0.25,,,,,,,,,,,,,,,${unrun}${runDirectory(second.experiment, workspace.runs)}`);
    // A cell not started takes its seed and method from grid.json.
    expect(csv[3]).to.match(/^g_2,0\.05,mobilenetv2,0\.25,0,rekd,new,,,,,,,,,,/);
    expect(csv).to.have.length(7);

    const { report } = writeResults(folder);
    const markdown = fs.readFileSync(report, 'utf8');
    expect(markdown).to.contain('| g_0 | 0.05 | alexnet | 0.25 | 0 | rekd | complete | 0.625 | 0.5 | 3.25 | 0.5 | -1.5 | 0.75 | 0.875 |  |  |  |  | 0.5625 | 0.3125 |  |');
    expect(markdown).to.contain('![linear_top1 against student](plots/student.svg)');
    const plot = fs.readFileSync(path.join(folder, 'plots', 'teacher.width.svg'), 'utf8');
    // g_0 and g_1 differ only in teacher.width: one line through both points.
    expect(plot.match(/<polyline/g)).to.have.length(1);
    expect(fs.readFileSync(path.join(folder, 'plots', 'student.svg'), 'utf8')).to.contain('student (0 = alexnet, 1 = mobilenetv2)');
    expect(fs.readFileSync(path.join(folder, 'results.csv'), 'utf8')).to.equal(resultsCsv(rows, grid.axes));
  });
});
