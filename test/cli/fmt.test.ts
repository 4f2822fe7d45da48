/** `rekdc fmt`: rewrites files, --check lists the unformatted ones, bad input is a diagnostic; experiments/ is formatted. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { rekdcHere } from './capture.ts';

const UNFORMATTED = 'experiment a {\n    seed=1\n  batch_size = 64\n}\n';
const FORMATTED = 'experiment a {\n  seed       = 1\n  batch_size = 64\n}\n';

describe('rekdc fmt', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'rekd-fmt-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('experiments/*.rekd are formatted: fmt --check passes', async () => {
    const files = readdirSync('experiments').filter((f) => f.endsWith('.rekd')).map((f) => path.join('experiments', f));
    expect(files).to.have.length.greaterThan(0);
    expect(await rekdcHere(['fmt', '--check', ...files])).to.deep.equal({ code: 0, stdout: '', stderr: '' });
  });

  it('--check lists the files that would change and exits 1, writing nothing', async () => {
    const [messy, tidy] = [path.join(dir, 'messy.rekd'), path.join(dir, 'tidy.rekd')];
    writeFileSync(messy, UNFORMATTED);
    writeFileSync(tidy, FORMATTED);
    expect(await rekdcHere(['fmt', '--check', messy, tidy])).to.deep.equal({ code: 1, stdout: `${messy}\n`, stderr: '' });
    expect(readFileSync(messy, 'utf8')).to.equal(UNFORMATTED);
  });

  it('rewrites a folder\'s files in place and names them', async () => {
    const [messy, tidy] = [path.join(dir, 'messy.rekd'), path.join(dir, 'tidy.rekd')];
    writeFileSync(messy, UNFORMATTED);
    writeFileSync(tidy, FORMATTED);
    expect(await rekdcHere(['fmt', dir])).to.deep.equal({ code: 0, stdout: `${messy}\n`, stderr: '' });
    expect(readFileSync(messy, 'utf8')).to.equal(FORMATTED);
    expect(readdirSync(dir).sort()).to.deep.equal(['messy.rekd', 'tidy.rekd']);
  });

  it('leaves a file with syntax errors as it is: its diagnostics, exit 1; a missing file likewise', async () => {
    const bad = path.join(dir, 'bad.rekd');
    writeFileSync(bad, 'experiment a {\n  seed = ]\n}\n');
    const printed = await rekdcHere(['fmt', bad, path.join(dir, 'missing.rekd')]);
    expect(printed.code).to.equal(1);
    expect(printed.stderr).to.contain(`${bad}:2:10: error[RK0102]`).and.contain("error[RK0002]: cannot read '").and.not.contain('    at ');
    expect(readFileSync(bad, 'utf8')).to.equal('experiment a {\n  seed = ]\n}\n');
  });

  it('lists a file\'s syntax errors in line order and names the file in the summary', async () => {
    const bad = path.join(dir, 'unclosed.rekd');
    // The unclosed block (line 3) is found after the parse error of line 6: it is shown between them.
    writeFileSync(bad, 'experiment a {\n  seed = \n  data synthetic { classes = 4\n}\nexperiment b {\n  seed = 1 2\n}\n');
    const printed = await rekdcHere(['fmt', '--check', bad]);
    expect(printed.code).to.equal(1);
    const lines = [...printed.stderr.matchAll(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):`, 'gm'))].map((m) => Number(m[1]));
    expect(lines).to.deep.equal([2, 3, 6]);
    expect(printed.stderr.trimEnd().split('\n').at(-1)).to.equal(`${bad}: 3 errors, left as they are`);
  });

  it('--format json says which files changed', async () => {
    const messy = path.join(dir, 'messy.rekd');
    writeFileSync(messy, UNFORMATTED);
    const printed = await rekdcHere(['fmt', '--check', '--format', 'json', messy]);
    expect(printed.code).to.equal(1);
    expect(JSON.parse(printed.stdout)).to.deep.equal({ files: [messy], changed: [messy], written: false, diagnostics: [], summary: 'no errors' });
  });
});
