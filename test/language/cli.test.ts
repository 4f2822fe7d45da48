import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { signature, upToDate } from '../../src/cli/start-cache.mjs';
import { rekdcHere } from '../cli/capture.ts';

/** Runs rekdc in-process, capturing what it writes. */
const rekdc = (...argv: string[]) => rekdcHere(argv);

describe('rekdc', function () {
  this.timeout(30000);

  it('check: exit 0 on clean files, 1 on errors, 2 on usage', async () => {
    const clean = await rekdc('check', 'experiments/quickstart.rekd', 'experiments/moco_baseline.rekd');
    expect(clean).to.include({ code: 0 });
    expect(clean.stdout).to.equal('2 files: no errors\n');
    const bad = await rekdc('check', 'test/baselines/RK0201-unknown-member.rekd');
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.contain("RK0201-unknown-member.rekd:5:21: error[RK0201]: unknown attribute 'temprature'");
    expect(bad.stdout).to.match(/4 errors\n$/);
    expect((await rekdc('check')).code).to.equal(2);
    expect((await rekdc('check', 'x.rekd', '--format', 'yaml')).code).to.equal(2);
    expect((await rekdc('frobnicate')).code).to.equal(2);
  });

  it('check --format json prints the diagnostics as data', async () => {
    const { code, stdout } = await rekdc('check', '--format', 'json', 'test/baselines/RK0501-embed-match.rekd');
    expect(code).to.equal(1);
    const json = JSON.parse(stdout);
    expect(json.summary).to.equal('1 error');
    expect(json.diagnostics[0]).to.deep.include({ code: 'RK0501', severity: 'error' });
    expect(json.diagnostics[0].span).to.include({ line: 5, column: 21 });
  });

  it('check --set points override errors into the override text', async () => {
    const { code, stdout } = await rekdc('check', 'experiments/quickstart.rekd', '--set', 'loss.relation.temperature=-1');
    expect(code).to.equal(1);
    expect(stdout).to.contain('<--set 1>:1:27: error[RK0302]').and.contain('1 | loss.relation.temperature=-1');
  });

  it('explain prints every value with its origin', async () => {
    const { code, stdout } = await rekdc('explain', 'experiments/moco_baseline.rekd', '--set', 'seed=9');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^experiment moco_baseline\n/);
    expect(stdout).to.match(/\n {2}seed = 9 +override <--set 1>\n/);
    expect(stdout).to.match(/\n {2}teacher = none +experiments\/moco_baseline\.rekd:5\n/);
    expect(stdout).to.match(/\n {4}train_size = 5000 +experiments\/quickstart\.rekd:7\n/);
    expect(stdout).to.match(/\n {2}log_every = 10 +default\n/);
    // Values read as the language writes them: bare enum names, ranges with '..'.
    expect(stdout).to.match(/\n {2}backend = auto +experiments\/quickstart\.rekd:4\n/);
    expect(stdout).to.match(/\n {6}scale = 0\.3 \.\. 1 +experiments\/quickstart\.rekd:12\n/);
    expect(stdout).to.match(/\n {2}augment weak = none +default\n/);
    const cells = await rekdc('explain', 'experiments/quickstart.rekd', 'temperature_by_student', '--format', 'json');
    const json = JSON.parse(cells.stdout);
    expect(json.experiments).to.have.length(6);
    expect(json.experiments[5].provenance.student).to.equal('grid experiments/quickstart.rekd:49');
    expect(json.diagnostics).to.deep.equal([]);
    expect((await rekdc('explain', 'experiments/quickstart.rekd', 'nope')).code).to.equal(2);
  });

  it('schema prints the JSON Schema', async () => {
    const schema = await rekdc('schema');
    expect(schema.code).to.equal(0);
    expect(JSON.parse(schema.stdout).title).to.equal('ResolvedExperiment');
  });

  it('runs from bin/rekdc.js (the cached bundle) with the documented exit status', () => {
    const result = spawnSync(process.execPath, ['bin/rekdc.js', 'check', 'test/baselines/RK0302-RK0303-value-range.rekd'], { encoding: 'utf8' });
    expect(result.status).to.equal(1);
    expect(result.stdout).to.contain('error[RK0302]');
    expect(result.stderr).to.equal('');
  });
});

describe('the cached front-end bundle', () => {
  it('is up to date only while every recorded source keeps its size and mtime', () => {
    const root = mkdtempSync(join(tmpdir(), 'rekd-start-cache-'));
    try {
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
      const inputs = { 'src/a.ts': signature(join(root, 'src', 'a.ts'))! };
      expect(upToDate(inputs, root)).to.equal(true);
      writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 22;\n');
      expect(upToDate(inputs, root)).to.equal(false);
      expect(upToDate({ 'src/gone.ts': '1:1' }, root)).to.equal(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
