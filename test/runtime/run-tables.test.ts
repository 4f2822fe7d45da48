import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRunDirectory } from '../../src/runtime/run/directory.ts';
import { metricsColumns, metricsCsv } from '../../src/runtime/run/metrics-csv.ts';
import type { MetricRecord } from '../../src/runtime/run/metrics.ts';
import { machineInfo, rekdBuild, rekdPackage } from '../../src/runtime/run/provenance.ts';
import { buildReport, provenanceLines } from '../../src/runtime/run/report.ts';
import { readRunInfo, recordSession, runTotals, type RunInfo } from '../../src/runtime/run/run-info.ts';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-tables-'));

/** A CSV text as rows of fields (no quoted fields in these tables). */
const parseCsv = (text: string): string[][] => text.trimEnd().split('\n').map((line) => line.split(','));

const records: MetricRecord[] = [
  { type: 'step', step: 10, epoch: 1, lr: 0.03, images_per_second: 512.25, loss: { total: 1 / 3, instance: 0.1 } },
  { type: 'step', step: 20, epoch: 1, lr: 0.029999, images_per_second: 498, loss: { total: 0.25, instance: 0.05, relation: 0.2 },
    miner_precision: 0.6, miner_positives: 3.5, miner_chance: 0.1 },
  { type: 'eval', step: 20, epoch: 1, knn_top1: 0.4375 },
];

describe('metrics.csv', () => {
  it('has one column per field any record has, loss terms as loss_<term> in the order first seen', () => {
    expect(metricsColumns(records)).to.deep.equal(['type', 'step', 'epoch', 'lr', 'images_per_second', 'loss_total', 'loss_instance',
      'loss_relation', 'miner_precision', 'miner_positives', 'miner_chance', 'knn_top1']);
  });

  it('writes one row per record at full precision, empty fields where a record has no value', () => {
    const [header, ...rows] = parseCsv(metricsCsv(records));
    const row = (i: number) => Object.fromEntries(header.map((column, k) => [column, rows[i][k]]));
    expect(rows).to.have.length(3);
    expect(rows.every((r) => r.length === header.length)).to.equal(true);
    expect(Number(row(0).loss_total)).to.equal(1 / 3); // every digit of the double
    expect(row(0)).to.include({ type: 'step', step: '10', loss_relation: '', miner_precision: '', knn_top1: '' });
    expect(row(1)).to.include({ lr: '0.029999', loss_relation: '0.2', miner_positives: '3.5' });
    expect(row(2)).to.include({ type: 'eval', step: '20', knn_top1: '0.4375', lr: '', loss_total: '' });
    expect(parseCsv(metricsCsv([]))).to.deep.equal([metricsColumns([])]);
  });

  it('reads back in Python (csv module, and pandas when installed) with the same values', function () {
    this.timeout(60_000);
    const python = '/usr/bin/python3';
    if (!fs.existsSync(python)) this.skip();
    const file = path.join(tempDir(), 'metrics.csv');
    fs.writeFileSync(file, metricsCsv(records));
    const script = [
      'import csv, json, sys',
      'rows = list(csv.DictReader(open(sys.argv[1])))',
      'out = {"total": float(rows[0]["loss_total"]), "knn": float(rows[2]["knn_top1"]), "n": len(rows)}',
      'try:',
      '    import pandas',
      '    frame = pandas.read_csv(sys.argv[1])',
      '    out["pandas_lr"] = float(frame["lr"][1])',
      'except ImportError:',
      '    pass',
      'print(json.dumps(out))',
    ].join('\n');
    const out = JSON.parse(execFileSync(python, ['-c', script, file], { encoding: 'utf8' })) as Record<string, number>;
    expect(out).to.include({ total: 1 / 3, knn: 0.4375, n: 3 });
    if ('pandas_lr' in out) expect(out.pandas_lr).to.equal(0.029999);
  });
});

describe('run-info.json', () => {
  it('keeps one entry per session, adding up its training time, steps and images', async () => {
    const dir = tempDir();
    const first = openRunDirectory(dir, { resolved: { name: 'r' } });
    const backend = { name: 'wasm', version: '4.22.0', threads: 2, kernel_path: 'avx2' };
    recordSession(first, { training_seconds: 2, steps: 10, images: 640, backend });
    recordSession(first, { training_seconds: 3, steps: 10, images: 640 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const resumed = openRunDirectory(dir, { resolved: { name: 'r' } });
    recordSession(resumed, { training_seconds: 5, steps: 20, images: 1280, backend: { ...backend, threads: 1 } });
    recordSession(resumed, { evaluation_seconds: 1.5 }, { step: 40, checkpoint: 'checkpoints/latest.ckpt' });
    const info = readRunInfo(resumed.paths.runInfo);
    expect(info.sessions).to.have.length(2);
    expect(info.sessions[0]).to.include({ training_seconds: 5, steps: 20, images: 1280 });
    expect(info.sessions[0].backend).to.deep.equal(backend);
    expect(info.sessions[1]).to.include({ training_seconds: 5, steps: 20, images: 1280, evaluation_seconds: 1.5 });
    expect(info.sessions[1].wall_seconds).to.be.at.least(0).and.below(60);
    expect(info.evaluation).to.deep.equal({ step: 40, checkpoint: 'checkpoints/latest.ckpt' });
    const totals = runTotals(info);
    expect(totals).to.include({ sessions: 2, training_seconds: 10, images: 2560, images_per_second: 256 });
    expect(totals.last?.backend?.threads).to.equal(1);
  });

  it('reads a missing or damaged file as no sessions', () => {
    const dir = tempDir();
    expect(readRunInfo(path.join(dir, 'run-info.json'))).to.deep.equal({ sessions: [] });
    fs.writeFileSync(path.join(dir, 'run-info.json'), '{"sess');
    expect(readRunInfo(path.join(dir, 'run-info.json'))).to.deep.equal({ sessions: [] });
  });
});

describe('provenance', () => {
  it('names the CPU and cores, the rekd version of package.json and, in a checkout, its commit', () => {
    const machine = machineInfo();
    expect(machine.cpu).to.equal(os.cpus()[0].model.trim());
    expect(machine.cores).to.equal(os.availableParallelism());
    const manifest = JSON.parse(fs.readFileSync(path.join(rekdPackage().root, 'package.json'), 'utf8')) as { version: string };
    const build = rekdBuild();
    expect(build.version).to.equal(manifest.version);
    let head: string | undefined;
    try {
      head = execFileSync('git', ['-C', rekdPackage().root, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      head = undefined; // no git or not a checkout: the commit is unknown
    }
    if (head === undefined) expect(build.commit).to.equal(undefined);
    else expect(build.commit?.replace(/\+dirty$/, '')).to.equal(head);
  });

  it('puts times, throughput, machine, backend, build and the evaluated checkpoint in report.md', () => {
    const info: RunInfo = {
      sessions: [{
        started: '2026-01-01T00:00:00.000Z', wall_seconds: 125.5, training_seconds: 100, steps: 200, images: 25600, evaluation_seconds: 20,
        backend: { name: 'wasm', version: '4.22.0', threads: 2, kernel_path: 'avx512' },
        machine: { cpu: 'AMD EPYC', cores: 2, platform: 'linux x64', node: 'v22.0.0' }, rekd: { version: '0.1.0', commit: 'abc123' },
      }],
      evaluation: { step: 200, checkpoint: 'checkpoints/latest.ckpt' },
    };
    const text = provenanceLines(info).join('\n');
    expect(text).to.contain('- Wall time: 2:06 (125.5 s) over 1 session.');
    expect(text).to.contain('- Training time: 1:40 (100.0 s) in the training loop (steps, kNN checks, checkpoints), 256.0 images/s (25600 images).');
    expect(text).to.contain('- Evaluation time: 0:20 (20.0 s).');
    expect(text).to.contain("- Evaluated: the student's weights after step 200, saved as [checkpoints/latest.ckpt](checkpoints/latest.ckpt).");
    expect(text).to.contain('- Machine: AMD EPYC, 2 cores, linux x64, Node.js v22.0.0.');
    expect(text).to.contain('- Backend: wasm 4.22.0, kernel path avx512, 2 threads.');
    expect(text).to.contain('- rekd 0.1.0, commit abc123.');
    const { commit: _, ...unknown } = info.sessions[0].rekd;
    expect(provenanceLines({ sessions: [{ ...info.sessions[0], rekd: unknown }] }).join('\n')).to.contain('- rekd 0.1.0 (commit unknown: not a git checkout).');
    expect(provenanceLines({ sessions: [] })).to.deep.equal([]);

    const dir = tempDir();
    openRunDirectory(dir, { resolved: { name: 'r' } });
    fs.writeFileSync(path.join(dir, 'run-info.json'), JSON.stringify(info));
    const report = fs.readFileSync(buildReport(dir), 'utf8');
    expect(report).to.contain('## How it ran').and.to.contain('kernel path avx512');
    expect(report).to.contain('[run info](run-info.json)');
  });
});
