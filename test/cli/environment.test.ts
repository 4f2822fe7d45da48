/**
 * Problems of the user's machine through the CLI: each exits 1 (2 for a wrong option) with one
 * line naming the path and what to do, and no stack trace. Tests run as root in CI, where chmod
 * denies nothing: a file where a folder belongs (ENOTDIR, EISDIR) works for every user, and a
 * folder root cannot write either (sysfs) stands in for a permission problem where there is one.
 * Commands that fail before training run in this process (`main`, as bin/rekdc.js calls it) to
 * save a start-up each; training runs go through bin/rekdc.js.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { PNG } from 'pngjs';
import { rekdcHere as rekdcInProcess } from './capture.ts';
import { runId } from '../../src/codegen/hash.ts';
import { compileSource } from '../../src/compiler.ts';
import { cachedDataset } from '../../src/runtime/data/cache.ts';
import { DataError, type Dataset } from '../../src/runtime/data/dataset.ts';
import { tinyExperiment } from '../grid/fixture.ts';

const rekdc = path.resolve('bin/rekdc.js');

function rekdcIn(cwd: string, args: string[], env: Record<string, string> = {}) {
  // The caches (data, floors) inside the workspace unless the test names one.
  const result = spawnSync(process.execPath, [rekdc, ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', REKD_CACHE_DIR: path.join(cwd, 'cache'), ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `rekdc args` in this process, in `cwd` with `env` added; what it printed. */
const rekdcHere = (cwd: string, args: string[], env: Record<string, string> = {}) => rekdcInProcess(args, { cwd, env });

/** The outcome's stderr is exactly `line` (one line, no stack trace). */
function expectOneLine(outcome: { code: number | null; stderr: string }, code: number, line: string | RegExp): void {
  expect(outcome.code, outcome.stderr).to.equal(code);
  expect(outcome.stderr.split('\n').filter(Boolean), outcome.stderr).to.have.length(1);
  if (typeof line === 'string') expect(outcome.stderr).to.equal(`${line}\n`);
  else expect(outcome.stderr).to.match(line);
}

/**
 * A folder this process cannot create files in, or undefined: a read-only folder when not root;
 * for root, sysfs, which refuses new files to root too (EACCES, or EROFS in containers).
 */
function unwritableFolder(scratch: string): string | undefined {
  if (process.getuid?.() !== 0) {
    const folder = path.join(scratch, 'read-only');
    fs.mkdirSync(folder, { mode: 0o555 });
    return folder;
  }
  try {
    fs.writeFileSync('/sys/kernel/rekd-probe', '');
  } catch (error) {
    if (['EACCES', 'EPERM', 'EROFS'].includes((error as NodeJS.ErrnoException).code!)) return '/sys/kernel';
  }
  return undefined;
}

/** A tiny image_folder (two classes of 8x8 PNGs): the cached data kind quickest to build. */
function imageFolder(root: string): void {
  for (const [label, grey] of [['dark', 40], ['light', 200]] as const) {
    fs.mkdirSync(path.join(root, label), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const png = new PNG({ width: 8, height: 8 });
      png.data.fill(grey + i);
      fs.writeFileSync(path.join(root, label, `${i}.png`), PNG.sync.write(png));
    }
  }
}

const previewExperiment = `
experiment shapes {
  seed = 3
  batch_size = 4
  data image_folder { path = "images", size = 8 }
  augment { horizontal_flip {} }
  student alexnet { width = 0.125, embed = 8 }
  loss { instance moco { queue = 8 } }
  optimizer sgd {}
  schedule cosine { epochs = 1 }
}
`;

describe('rekdc and the environment: user errors, never bugs', function () {
  this.timeout(120_000);
  let cwd: string;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-environment-'));
    fs.writeFileSync(path.join(cwd, 'shapes.rekd'), previewExperiment);
    imageFolder(path.join(cwd, 'images'));
    fs.writeFileSync(path.join(cwd, 'a-file'), 'not a folder');
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('compile --out <a file> and preview --out <a folder> are usage errors (exit 2)', async () => {
    expectOneLine(await rekdcHere(cwd, ['compile', 'shapes.rekd', '--out', 'a-file']), 2,
      'rekdc compile: a-file is a file; name the folder to write the programs into with --out');
    fs.mkdirSync(path.join(cwd, 'pictures'));
    expectOneLine(await rekdcHere(cwd, ['preview', 'shapes.rekd', '--out', 'pictures']), 2,
      'rekdc preview: pictures is a folder; name the PNG file to write with --out (such as --out pictures/views.png)');
  });

  it('REKD_CACHE_DIR naming a file, a cache file that is a folder, and a cache folder that cannot be written exit 1', async () => {
    expectOneLine(await rekdcHere(cwd, ['preview', 'shapes.rekd'], { REKD_CACHE_DIR: 'a-file' }), 1,
      'rekdc preview: cannot create the dataset cache folder a-file: a file is in the way of that folder; set REKD_CACHE_DIR to a folder you can write');

    const made = await rekdcHere(cwd, ['preview', 'shapes.rekd'], { REKD_CACHE_DIR: 'cache' });
    expect(made.code, made.stderr).to.equal(0);
    const [cacheFile] = fs.readdirSync(path.join(cwd, 'cache')).filter((name) => name.endsWith('.bin'));
    fs.rmSync(path.join(cwd, 'cache', cacheFile));
    fs.mkdirSync(path.join(cwd, 'cache', cacheFile));
    expectOneLine(await rekdcHere(cwd, ['preview', 'shapes.rekd'], { REKD_CACHE_DIR: 'cache' }), 1,
      `rekdc preview: dataset cache cache/${cacheFile} is a folder, not a file; remove it (the cache is rebuilt)`);

    const unwritable = unwritableFolder(cwd);
    if (unwritable === undefined) return;
    expectOneLine(await rekdcHere(cwd, ['preview', 'shapes.rekd'], { REKD_CACHE_DIR: unwritable }), 1, new RegExp(
      `^rekdc preview: cannot write in the dataset cache folder ${unwritable}: (permission denied|operation not permitted|the file system is read-only); set REKD_CACHE_DIR to a folder you can write\\n$`));
  });

  it('a runs folder that is a file or cannot be written exits 1 naming the run directory', async () => {
    fs.writeFileSync(path.join(cwd, 'tiny.rekd'), tinyExperiment('loss { instance moco { queue = 32 } }\noptimizer sgd {}\nschedule cosine { epochs = 1 }'));
    fs.writeFileSync(path.join(cwd, 'runs'), '');
    expectOneLine(await rekdcHere(cwd, ['run', 'tiny.rekd']), 1, new RegExp(
      '^rekdc run: cannot create the folder runs/tiny-[0-9a-f]{12}: a part of that path is a file, not a folder; move the file away or choose another location\\n$'));

    const unwritable = unwritableFolder(cwd);
    if (unwritable === undefined) return;
    fs.rmSync(path.join(cwd, 'runs'));
    fs.symlinkSync(unwritable, path.join(cwd, 'runs'));
    expectOneLine(await rekdcHere(cwd, ['run', 'tiny.rekd']), 1, new RegExp(
      '^rekdc run: cannot create the folder runs/tiny-[0-9a-f]{12}: (permission denied|operation not permitted|the file system is read-only); '));
  });

  it('finds an unusable dataset cache folder before building the data set, not after (minutes of work lost)', async function () {
    let builds = 0;
    const build = (): Dataset => {
      builds++;
      throw new Error('the build must not start');
    };
    const unusable = async (dir: string) => (await cachedDataset('key', build, { dir }).catch((error: unknown) => error)) as Error;
    expect(await unusable(path.join(cwd, 'a-file', 'cache'))).to.be.instanceOf(DataError).and.to.have.property('message',
      `cannot create the dataset cache folder ${path.join(cwd, 'a-file', 'cache')}: a part of that path is a file, not a folder; set REKD_CACHE_DIR to a folder you can write`);
    const unwritable = unwritableFolder(cwd);
    if (unwritable === undefined) this.skip();
    expect(await unusable(unwritable!)).to.be.instanceOf(DataError).and.to.have.property('message')
      .that.matches(new RegExp(`^cannot write in the dataset cache folder ${unwritable}: `));
    expect(builds).to.equal(0);
  });

  describe('a training run', () => {
    /** 2 steps per epoch, 2 epochs, a checkpoint every 2 steps; kNN every epoch (best.ckpt at step 2). */
    const text = tinyExperiment('checkpoint_every = 2\nloss { instance moco { queue = 32 } }\noptimizer sgd {}\nschedule cosine { epochs = 2 }');
    let dir: string;
    beforeEach(() => {
      fs.writeFileSync(path.join(cwd, 'tiny.rekd'), text);
      dir = path.join(cwd, 'runs', `tiny-${runId(compileSource(text, 'tiny.rekd').experiments.get('tiny')!)}`);
      fs.mkdirSync(dir, { recursive: true });
    });
    const status = () => JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8'));
    const errorLine = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('error: '));

    it('whose checkpoints folder cannot be written stops at the first checkpoint with exit 1, saying why in status.json', function () {
      const unwritable = unwritableFolder(cwd);
      if (unwritable === undefined) this.skip();
      fs.symlinkSync(unwritable!, path.join(dir, 'checkpoints'));
      const outcome = rekdcIn(cwd, ['run', 'tiny.rekd']);
      expect(outcome.code, outcome.stderr).to.equal(1);
      expect(outcome.stderr).to.not.match(/\n\s+at /);
      const [line] = errorLine(outcome.stderr);
      expect(line).to.match(new RegExp(`^error: the checkpoint at step 2 could not be saved: cannot write ${dir.slice(cwd.length + 1)}/checkpoints/\\S+: ` +
        '(permission denied|operation not permitted|the file system is read-only); '));
      expect(status()).to.include({ state: 'failed', step: 2, message: line.slice('error: '.length) });
    });

    it('survives a checkpoint that cannot be written, a damaged status.json and damaged metrics lines: report, then resume', async () => {
      // best.ckpt is a folder: the first checkpoint (best.ckpt, then latest.ckpt, at step 2) fails.
      fs.mkdirSync(path.join(dir, 'checkpoints', 'best.ckpt'), { recursive: true });
      const failed = rekdcIn(cwd, ['run', 'tiny.rekd']);
      expect(failed.code, failed.stderr).to.equal(1);
      const message = `the checkpoint at step 2 could not be saved: cannot write ${dir.slice(cwd.length + 1)}/checkpoints/best.ckpt: ` +
        'it is a folder, not a file; remove the folder or choose another name. Training stopped; running it again starts from the beginning';
      expect(errorLine(failed.stderr)).to.deep.equal([`error: ${message}`]);
      expect(failed.stderr).to.not.match(/\n\s+at /);
      expect(status()).to.include({ state: 'failed', step: 2, message });

      const metrics = path.join(dir, 'metrics.jsonl');
      fs.appendFileSync(metrics, 'null\n{"type":"step","step":3,"epoch":2}\n');
      fs.writeFileSync(path.join(dir, 'status.json'), '');
      const report = await rekdcHere(cwd, ['report', dir]);
      expect(report.code, report.stderr).to.equal(0);
      expect(report.stderr).to.equal(`warning: ${metrics}: line 4 (and 1 more) is not a metrics record; skipped\n` +
        `warning: ${dir}/status.json is damaged (not a run status); the run's state is taken as unknown until it is written again\n`);
      expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).to.include('Status: not started.');

      fs.rmSync(path.join(dir, 'checkpoints', 'best.ckpt'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'status.json'), '{"state": "runn');
      const resumed = rekdcIn(cwd, ['run', 'tiny.rekd']);
      expect(resumed.code, resumed.stderr).to.equal(0);
      const warnings = resumed.stderr.split('\n').filter((line) => line.startsWith('warning: '));
      // The program (report.md) and rekdc (the results it prints) each read metrics.jsonl once.
      expect([...new Set(warnings)]).to.deep.equal([
        `warning: ${dir.slice(cwd.length + 1)}/status.json is damaged (not a run status); the run's state is taken as unknown until it is written again`,
        `warning: ${dir.slice(cwd.length + 1)}/metrics.jsonl: line 4 (and 1 more) is not a metrics record; skipped`,
      ]);
      // No checkpoint was saved (best.ckpt failed first): the run starts from the beginning.
      expect(resumed.stderr).to.not.include('resuming');
      expect(status()).to.include({ state: 'finished', step: 4 });
      const steps = fs.readFileSync(metrics, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
        .filter((r) => r.type === 'step').map((r) => r.step);
      expect(steps).to.deep.equal([1, 2, 3, 4]);
    });
  });
});
