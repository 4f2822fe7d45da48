/**
 * `rekdc grid` end to end on a tiny synthetic grid whose two cells share an offline teacher's
 * pretrain stage: two grid processes at once (each cell trained once, by one of them; the stage
 * trained once and loaded by the other cell), results written; a second run skips everything; an
 * interrupted cell resumes from its checkpoint; `rekdc report` rebuilds the table.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { lastMinerWindow, readMetrics } from '../../src/runtime/run/metrics.ts';
import { tinyExperiment } from './fixture.ts';

const rekdc = path.resolve('bin/rekdc.js');

const file = `${tinyExperiment(`
  teacher resnet18 { width = 0.125, embed = 8, mode = offline, queue = 32, pretrain { epochs = 1 } }
  loss {
    instance moco { queue = 32 }
    relation rekd { prototypes = 3 }
  }
  schedule cosine { epochs = 1 }`)}
grid temperature of tiny { loss.relation.temperature = [0.1, 0.2] }

// Four steps with a checkpoint after each: room to interrupt it.
grid slow of tiny {
  teacher = [none]
  loss.relation = [none]
  schedule.epochs = [2]
  checkpoint_every = [1]
}
`;

interface Outcome { code: number | null; stdout: string; stderr: string }

function rekdcIn(cwd: string, args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<Outcome> {
  // The floor cache inside the workspace: cells here neither read nor fill the user's.
  const child = spawn(process.execPath, [rekdc, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', REKD_CACHE_DIR: path.join(cwd, 'cache') } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    onStderr?.(stderr, () => child.kill('SIGINT'));
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A results.csv line by column name (no quoted fields in these tables). */
const csvRow = (header: string, line: string): Record<string, string> => {
  const values = line.split(',');
  return Object.fromEntries(header.split(',').map((name, i) => [name, values[i]]));
};

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern, 'g')) ?? []).length;

describe('rekdc grid (local)', function () {
  this.timeout(240_000);
  let cwd: string;
  before(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-grid-'));
    fs.writeFileSync(path.join(cwd, 'ablation.rekd'), file);
  });
  after(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('runs each cell once across two processes, shares the teacher stage and writes the results', async () => {
    const first = rekdcIn(cwd, ['grid', 'ablation.rekd', 'temperature', '--jobs', '2']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = rekdcIn(cwd, ['grid', 'ablation.rekd', 'temperature', '--jobs', '2']);
    const [a, b] = await Promise.all([first, second]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    const stderr = a.stderr + b.stderr;
    // Two cells at once: their lines are prefixed with the cell, none is a bar redrawn with \r.
    expect(stderr).to.not.contain('\r');
    expect(stderr).to.match(/^\[temperature_[01]\] epoch 1\/1 step 2\/2 /m);
    expect(stderr.split('\n').filter((line) => /^(epoch|backend|teacher:|kNN)/.test(line))).to.deep.equal([]);
    // Each training program started exactly once, whichever process started it.
    expect(count(stderr, /rekdc run: temperature_0 in /)).to.equal(1);
    expect(count(stderr, /rekdc run: temperature_1 in /)).to.equal(1);
    expect(count(stderr, /teacher: pretraining for 1 epoch in/)).to.equal(1);
    expect(count(stderr, /teacher: pretrained weights found/)).to.equal(1);
    const [teacher] = fs.readdirSync(path.join(cwd, 'runs', 'teachers'));
    expect(fs.readdirSync(path.join(cwd, 'runs', 'teachers'))).to.deep.equal([teacher]);
    // The teacher's kNN and linear top-1 from its eval.json, printed by the cell that trained it and again by the one that loaded it.
    const teacherEval = JSON.parse(fs.readFileSync(path.join(cwd, 'runs', 'teachers', teacher, 'eval.json'), 'utf8'));
    const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
    const figure = `teacher: kNN top-1 ${percent(teacherEval.knn.top1)}, linear top-1 ${percent(teacherEval.linear.top1)} (${path.join('runs', 'teachers', teacher)})`;
    expect(stderr.split(figure).length - 1, stderr).to.equal(2);

    const csv = fs.readFileSync(path.join(cwd, 'runs/grids/temperature/results.csv'), 'utf8').trim().split('\n');
    expect(csv).to.have.length(3);
    for (const [i, line] of csv.slice(1).entries()) {
      const row = csvRow(csv[0], line);
      expect([row.cell, row['loss.relation.temperature'], row.state]).to.deep.equal([`temperature_${i}`, ['0.1', '0.2'][i], 'complete']);
      expect(Number(row.linear_top1)).to.be.within(0, 1);
      expect(Number(row.knn_top1)).to.be.within(0, 1);
      // The prototype miner measured at step 2 (the queue is empty at step 1): the values of that last window.
      const last = lastMinerWindow(readMetrics(path.join(cwd, row.run_dir, 'metrics.jsonl')))!;
      expect(last.step).to.equal(2);
      expect(Number(row.miner_precision)).to.equal(last.miner_precision);
      expect(Number(row.miner_chance)).to.equal(last.miner_chance);
      // 3 classes of 32 images, 16 of them in the queue: a query's class holds a few slots, not all.
      expect(last.miner_chance).to.be.within(0.05, 0.8);
    }
    expect(fs.existsSync(path.join(cwd, 'runs/grids/temperature/plots/loss.relation.temperature.svg'))).to.equal(true);
  });

  it('skips complete cells, and `rekdc report` rebuilds the same table', async () => {
    const csvFile = path.join(cwd, 'runs/grids/temperature/results.csv');
    const before = fs.readFileSync(csvFile, 'utf8');
    const again = await rekdcIn(cwd, ['grid', 'ablation.rekd', 'temperature']);
    expect(again.code, again.stderr).to.equal(0);
    expect(count(again.stderr, /is complete \(runs\/temperature_\d-[0-9a-f]{12}\): skipped/)).to.equal(2);
    expect(again.stderr).not.to.contain('rekdc run:');
    expect(again.stdout).to.contain('grid temperature: 2 cells (2 skipped)\n' +
      'G1 not applicable: the grid has no moco cell (the baseline both gates measure)\n' +
      'G2 not applicable: the grid has no moco cell (the baseline both gates measure)\n');
    const json = await rekdcIn(cwd, ['grid', 'ablation.rekd', 'temperature', '--format', 'json']);
    expect(json.code, json.stderr).to.equal(0);
    const grid = JSON.parse(json.stdout);
    expect(grid).to.include({ grid: 'temperature', file: 'ablation.rekd', folder: 'runs/grids/temperature', report: 'runs/grids/temperature/results.md', csv: csvFile.slice(cwd.length + 1) });
    expect(grid.cells.map((c: { name: string; outcome: string }) => [c.name, c.outcome])).to.deep.equal([['temperature_0', 'skipped'], ['temperature_1', 'skipped']]);
    expect(grid.counts).to.deep.equal({ skipped: 2 });
    expect(grid.gates[0].gates.map((g: { name: string; status: string }) => [g.name, g.status])).to.deep.equal([['G1', 'not applicable'], ['G2', 'not applicable']]);

    fs.rmSync(csvFile);
    const report = await rekdcIn(cwd, ['report', 'runs/grids/temperature']);
    expect(report.code, report.stderr).to.equal(0);
    expect(fs.readFileSync(csvFile, 'utf8')).to.equal(before);
    const reported = JSON.parse((await rekdcIn(cwd, ['report', 'runs/grids/temperature', '--format', 'json'])).stdout);
    expect(reported).to.deep.include({ grid: 'temperature', folder: 'runs/grids/temperature', report: 'runs/grids/temperature/results.md', gates: grid.gates });
  });

  it('stops on Ctrl-C with the cell checkpointed, and resumes it on the next run', async () => {
    const interrupted = await rekdcIn(cwd, ['grid', 'ablation.rekd', 'slow'], (text, kill) => {
      if (/step 2\/4/.test(text)) kill();
    });
    expect(interrupted.code, interrupted.stderr).to.equal(130);
    const plan = await rekdcIn(cwd, ['plan', 'ablation.rekd', 'slow']);
    expect(plan.stdout.split('\n')[0]).to.equal('grid slow of tiny: 1 cell, 0 complete, 1 interrupted, 0 running, 0 new');
    const resumed = await rekdcIn(cwd, ['grid', 'ablation.rekd', 'slow']);
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/rekdc run: slow_0 in runs\/slow_0-[0-9a-f]{12}, resuming from its newest intact checkpoint\n/);
    expect(resumed.stderr).to.match(/resuming from runs\/slow_0-[0-9a-f]{12}\/checkpoints\/latest\.ckpt at step [234]\n/);
    const csv = fs.readFileSync(path.join(cwd, 'runs/grids/slow/results.csv'), 'utf8').split('\n');
    expect(csv[1]).to.match(/^slow_0,none,none,2,1,3,moco,complete,0\.\d+/);
    // No relation term, no miner: its columns are empty.
    expect(csvRow(csv[0], csv[1])).to.include({ miner_precision: '', miner_chance: '' });
  });
});
