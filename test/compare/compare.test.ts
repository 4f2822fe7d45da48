import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { metricsTable } from '../../src/compare/final-metrics.ts';
import { baselineIndex, comparedRuns } from '../../src/compare/sources.ts';
import { rekdcHere } from '../cli/capture.ts';
import { chromiumMissing, loadPage, screenshot } from './chromium.ts';
import { tinyRuns } from '../cli/tiny-runs.ts';
import { fakeEval, writeFakeRun } from './fake-runs.ts';

/** A line of a run's metrics.jsonl, as far as the page shows it. */
interface MetricsLine {
  type: string;
  step: number;
  loss?: Record<string, number>;
  knn_top1?: number;
  miner_precision?: number;
  miner_chance?: number;
}

/** The point markers Vega drew, each as the fields of its aria-label ('run: a; step: 4; term: total; value: 1.2'). */
function renderedPoints(dom: string): Record<string, string>[] {
  return [...dom.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point"/g)].map(([, label]) =>
    Object.fromEntries(label.split('; ').map((field) => field.split(': ') as [string, string])));
}

/** Where the browser test leaves its screenshot (gitignored). */
const OUTPUT = path.join(import.meta.dirname, '..', '..', 'test-output', 'compare');

describe('rekdc compare', () => {
  let root: string;
  let moco: string;
  let rekd: string;
  const noWarnings = (message: string) => expect.fail(`unexpected warning: ${message}`);

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-compare-'));
    moco = writeFakeRun(path.join(root, 'runs'), { name: 'moco-a', quality: 0 });
    rekd = writeFakeRun(path.join(root, 'runs'), { name: 'rekd-b', quality: 0.05, terms: ['infonce', 'relation'], steps: 12 });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('the final metrics table', () => {
    it('takes each run\'s differences to the baseline, by results.csv\'s column names', () => {
      const runs = comparedRuns([moco, rekd], noWarnings);
      const table = metricsTable(runs, 0);
      const [low, high] = [fakeEval(0), fakeEval(0.05)];
      expect(table.rows.map((r) => r.label)).to.deep.equal(['moco-a', 'rekd-b']);
      expect(table.rows[1].values.linear_top1).to.equal(high.linear.top1);
      expect(table.rows[1].differences.linear_top1).to.be.closeTo(high.linear.top1 - low.linear.top1, 1e-12);
      expect(table.rows[1].differences.effective_rank).to.be.closeTo(high.collapse.effectiveRank - low.collapse.effectiveRank, 1e-12);
      expect(table.rows[0].differences.knn_top1).to.equal(0);
      // Training columns from the last window: rekd-b trained 12 steps, moco-a 8.
      expect(table.rows[1].differences.steps).to.equal(4);
      expect(table.columns).to.include.members(['linear_top1', 'knn_top1', 'miner_precision', 'steps', 'loss_total']);
      // alignment is null in eval.json: no column, not a zero.
      expect(table.columns).not.to.include('alignment');
    });

    it('takes the baseline by its label or directory, and names the runs when it is neither', () => {
      const runs = comparedRuns([moco, rekd], noWarnings);
      expect(baselineIndex(runs, undefined)).to.equal(0);
      expect(baselineIndex(runs, 'rekd-b')).to.equal(1);
      expect(baselineIndex(runs, rekd + path.sep)).to.equal(1);
      expect(() => baselineIndex(runs, 'byol')).to.throw('--baseline byol is not one of the compared runs (moco-a, rekd-b)');
    });

    it('expands a grid folder into its cells, found beside the grid folder from any working directory', () => {
      const folder = path.join(root, 'runs', 'grids', 'pair');
      fs.mkdirSync(folder, { recursive: true });
      const cell = (name: string, index: number, run: string) => ({ name, index, values: { seed: index }, dir: path.join('runs', run) });
      fs.writeFileSync(path.join(folder, 'grid.json'), JSON.stringify({
        grid: 'pair', base: 'tiny', file: 'tiny.rekd', axes: ['seed'],
        cells: [cell('pair_0', 0, 'moco-a'), cell('pair_1', 1, 'rekd-b'), cell('pair_2', 2, 'not-started')],
      }));
      const warnings: string[] = [];
      const runs = comparedRuns([folder, moco], (w) => warnings.push(w));
      expect(runs.map((r) => r.label)).to.deep.equal(['pair/pair_0', 'pair/pair_1', 'moco-a']);
      expect(path.resolve(runs[1].dir)).to.equal(path.resolve(rekd));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include('1 of 3 cells have no metrics yet').and.include('pair/pair_2');
    });
  });

  describe('the command', () => {
    it('writes one self-contained page with every run, the baseline and the plots', async () => {
      const out = path.join(root, 'page', 'compare.html');
      const printed = await rekdcHere(['compare', moco, rekd, '--out', out, '--baseline', 'rekd-b', '--format', 'json']);
      expect(printed.stderr).to.equal('');
      expect(printed.code).to.equal(0);
      expect(JSON.parse(printed.stdout)).to.deep.equal({ out, runs: ['moco-a', 'rekd-b'], baseline: 'rekd-b', plots: ['losses', 'knn', 'miner'] });
      const html = fs.readFileSync(out, 'utf8');
      // Nothing fetched from anywhere: no external script, style or link.
      expect(html).not.to.match(/<script[^>]*\bsrc=|<link\b|https?:\/\/[^"'\s]*\.js\b/);
      expect(html).to.include('<th>rekd-b <span class="tag">baseline</span></th>');
      // moco-a against rekd-b: its linear top-1 is 0.05 lower.
      expect(html).to.match(/<th scope="row">linear_top1<\/th><td title="0\.6">0\.6<div class="delta" title="-0\.0500*\d*">-0\.05<\/div><\/td><td class="baseline" title="0\.65">0\.65<\/td><\/tr>/);
    });

    for (const [what, make, message] of [
      ['a folder that is not a run', (dir: string) => fs.mkdirSync(dir), 'is not a run directory or a grid folder'],
      ['a run with no metrics', (dir: string) => {
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'resolved.json'), '{}');
      }, 'has no metrics yet'],
      ['a path that does not exist', () => undefined, 'does not exist (a run directory or a grid folder was expected)'],
      ['a file', (dir: string) => fs.writeFileSync(dir, ''), 'is not a directory (a run directory or a grid folder was expected)'],
    ] as const) {
      it(`says so in one line, exit 1, for ${what}`, async () => {
        const dir = path.join(root, what.replace(/ /g, '-'));
        make(dir);
        const printed = await rekdcHere(['compare', moco, dir, '--out', path.join(root, 'bad.html')]);
        expect(printed.code).to.equal(1);
        expect(printed.stderr.startsWith(`rekdc compare: ${dir} ${message}`), printed.stderr).to.equal(true);
        expect(printed.stderr.trim().split('\n')).to.have.length(1);
        expect(fs.existsSync(path.join(root, 'bad.html'))).to.equal(false);
      });
    }
  });

  it('is a usage error (exit 2) when --baseline names none of the runs', async () => {
    const printed = await rekdcHere(['compare', moco, rekd, '--baseline', 'byol', '--out', path.join(root, 'none.html')]);
    expect(printed.code).to.equal(2);
    expect(printed.stderr).to.equal('rekdc compare: --baseline byol is not one of the compared runs (moco-a, rekd-b)\n');
    expect(fs.existsSync(path.join(root, 'none.html'))).to.equal(false);
  });

  describe('in a headless browser, on two real tiny runs', function () {
    // Trains the two runs of test/cli/tiny-runs.ts when no test before it has.
    this.timeout(420_000);
    let page: string;
    let runs: { label: string; records: MetricsLine[]; eval: { linear: { top1: number } } }[];

    before(async function () {
      const missing = chromiumMissing();
      if (missing) {
        console.log(`      skipped: the browser tests need Chromium: ${missing}`);
        this.skip();
      }
      const { moco: mocoRun, rekd: rekdRun } = await tinyRuns();
      runs = [mocoRun, rekdRun].map((dir) => ({
        label: path.basename(dir),
        records: fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)),
        eval: JSON.parse(fs.readFileSync(path.join(dir, 'eval.json'), 'utf8')),
      }));
      page = path.join(root, 'browser', 'compare.html');
      const printed = await rekdcHere(['compare', mocoRun, rekdRun, '--out', page]);
      expect(printed.code, printed.stderr).to.equal(0);
    });

    it('renders every plot with each run in its legend, without a console message', () => {
      const { dom, console } = loadPage(page);
      expect(console).to.deep.equal([]);
      expect(dom).not.to.include('data-render-error');
      expect(dom).to.include('data-rendered="3"');
      // Vega draws each plot as an SVG whose marks carry the data: a legend entry per run in each.
      expect(dom.match(/<svg[^>]*class="marks"/g) ?? []).to.have.length(3);
      for (const { label } of runs) expect(dom.match(new RegExp(`<text[^>]*>${label}</text>`, 'g')) ?? []).to.have.length(3);
    });

    it('draws a point for every logged loss term, kNN evaluation and miner window of each run, at its value', () => {
      const points = renderedPoints(loadPage(page).dom);
      const expected: Record<string, string | number>[] = [];
      for (const { label, records } of runs) {
        for (const r of records) {
          if (r.type === 'eval') expected.push({ run: label, step: r.step, value: r.knn_top1! });
          if (r.type !== 'step') continue;
          for (const [term, value] of Object.entries(r.loss!)) expected.push({ run: label, step: r.step, term, value });
          for (const measure of ['precision', 'chance'] as const) {
            const value = r[`miner_${measure}`];
            if (value !== undefined) expected.push({ run: label, step: r.step, measure, value });
          }
        }
      }
      // Both runs' loss terms (MoCo's instance term; ReKD's relation and teacher terms besides), the ReKD run's miner.
      expect(new Set(expected.map((p) => `${p.run} ${p.term ?? p.measure ?? 'knn'}`)).size).to.equal(2 + 4 + 1 + 1 + 2);
      const key = (p: Record<string, string | number>) => `${p.run} ${p.step} ${p.term ?? p.measure ?? 'knn'}`;
      expect(points.map(key).sort()).to.deep.equal(expected.map(key).sort());
      const shown = new Map(points.map((p) => [key(p), Number(p.value)]));
      // The hover value has five significant digits.
      for (const p of expected) expect(shown.get(key(p)), key(p)).to.be.closeTo(Number(p.value), Math.abs(Number(p.value)) * 1e-4 + 1e-9);
    });

    it('shows each run\'s final linear top-1 from its eval.json in the table', () => {
      const { dom } = loadPage(page);
      for (const run of runs) expect(dom).to.include(`title="${run.eval.linear.top1}"`);
    });

    it('reports a page\'s console errors (the check above can fail)', () => {
      const broken = path.join(root, 'browser', 'broken.html');
      fs.writeFileSync(broken, '<!DOCTYPE html><html><body><script>console.error("no plot"); missingFunction();</script></body></html>');
      const { console } = loadPage(broken);
      expect(console.join('\n')).to.include('no plot').and.include('missingFunction is not defined');
    });

    it('leaves a screenshot in test-output/compare/', () => {
      const png = path.join(OUTPUT, 'compare.png');
      fs.rmSync(png, { force: true });
      screenshot(page, png);
      const bytes = fs.readFileSync(png);
      expect(bytes.subarray(1, 4).toString()).to.equal('PNG');
      expect(bytes.length).to.be.greaterThan(20_000);
    });
  });
});
