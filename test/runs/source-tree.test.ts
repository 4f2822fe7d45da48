/**
 * A run directory keeps the files its experiment came from: source.rekd, and when that file
 * imports others, `sources/` with it and its imports under their common folder, which compiles
 * on its own to the same experiment.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { compileFile } from '../../src/compiler.ts';
import { compiledFile } from '../../src/runs/compiled-file.ts';
import { openRunDirectory, RunError } from '../../src/runtime/run/directory.ts';
import { validatePayload } from '../../src/grid/queue.ts';
import { buildReport } from '../../src/runtime/run/report.ts';

const base = `experiment base {
  data fashion_mnist { train_size = 100, test_size = 50 }
  student alexnet { width = 0.125, embed = 16 }
  loss { instance moco { queue = 64 } }
  schedule cosine { epochs = 1 }
}
`;
const main = `import "../lib/base.rekd"

experiment longer extends base {
  schedule cosine { epochs = 2 }
}
`;

describe('a run directory keeps the sources of its experiment', () => {
  let folder: string;
  const cwd = process.cwd();
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-sources-'));
    fs.mkdirSync(path.join(folder, 'work', 'exp'), { recursive: true });
    fs.mkdirSync(path.join(folder, 'work', 'lib'));
    fs.writeFileSync(path.join(folder, 'work', 'exp', 'main.rekd'), main);
    fs.writeFileSync(path.join(folder, 'work', 'lib', 'base.rekd'), base);
    process.chdir(folder);
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('writes a file and its imports as a tree that compiles alone to the same experiment', () => {
    const file = path.join('work', 'exp', 'main.rekd');
    const result = compileFile(file);
    const longer = result.experiments.get('longer')!;
    const compiled = compiledFile(result, file, [longer]);
    expect(compiled.sourceTree).to.deep.equal([{ path: 'exp/main.rekd', text: main }, { path: 'lib/base.rekd', text: base }]);

    const dir = path.join('runs', 'longer-x');
    openRunDirectory(dir, { resolved: longer, source: compiled.text, sourceTree: compiled.sourceTree });
    expect(fs.readFileSync(path.join(dir, 'source.rekd'), 'utf8')).to.equal(main);
    const again = compileFile(path.join(dir, 'sources', 'exp', 'main.rekd'));
    expect(again.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    expect(again.experiments.get('longer')).to.deep.equal(longer);
    buildReport(dir);
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).to.include('Files: [source](source.rekd), [with its imports](sources), [resolved settings](resolved.json)');
  });

  it('writes no tree for a file that imports nothing', () => {
    const file = path.join('work', 'lib', 'base.rekd');
    const result = compileFile(file);
    const compiled = compiledFile(result, file, [...result.experiments.values()]);
    expect(compiled.sourceTree).to.equal(undefined);
    openRunDirectory('run', { resolved: result.experiments.get('base'), source: compiled.text, sourceTree: compiled.sourceTree });
    expect(fs.existsSync(path.join('run', 'sources'))).to.equal(false);
  });

  it('refuses a tree path that would leave the folder (a queue payload is data from elsewhere)', () => {
    const result = compileFile(path.join('work', 'lib', 'base.rekd'));
    for (const bad of ['../escape.rekd', '/etc/passwd', 'a//b.rekd', 'a/./b.rekd']) {
      expect(() => openRunDirectory('run', { resolved: result.experiments.get('base'), sourceTree: [{ path: bad, text: '' }] }))
        .to.throw(RunError, `source file path '${bad}' is not a plain relative path`);
    }
    expect(fs.existsSync('escape.rekd')).to.equal(false);
    const payload = { grid: 'g', cell: 'c', values: {}, experiment: result.experiments.get('base'), file: 'f.rekd', source: base };
    expect(validatePayload({ ...payload, sourceTree: [{ path: 'a.rekd', text: base }] }).sourceTree).to.have.length(1);
    expect(() => validatePayload({ ...payload, sourceTree: [{ path: 'a.rekd' }] })).to.throw("the job payload's sourceTree is not a list of { path, text } strings");
  });
});
