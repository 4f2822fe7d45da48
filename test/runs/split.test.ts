/**
 * `data fashion_mnist { split = auto }` is made concrete by the CLI before run ids are computed:
 * `rekdc plan` and `rekdc run` name the split in the run id, resolved.json and the program.
 * A `path` holding four (empty) files named as the official ones is what the probe finds.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { compileFile, type ResolvedExperiment } from '../../src/compiler.ts';
import { runId } from '../../src/codegen/hash.ts';
import { FASHION_FILES } from '../../src/runtime/data/fashion-files.ts';

const rekdc = path.resolve('bin/rekdc.js');

const source = `
experiment small {
  data fashion_mnist { path = "idx", train_size = 100, test_size = 50 }
  student alexnet { width = 0.125, embed = 16 }
  loss { instance moco { queue = 64 } }
  schedule cosine { epochs = 1 }
}
grid seeds of small {
  seed = [1, 2]
}
`;

function rekdcIn(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [rekdc, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The experiment as the CLI sees it in the workspace: its split concrete, the path relative to the working folder. */
const withSplit = (experiment: ResolvedExperiment, split: 'official' | 'package'): ResolvedExperiment =>
  ({ ...experiment, data: { ...experiment.data, split, path: 'idx' } as ResolvedExperiment['data'] });

describe('the data split in run ids', function () {
  this.timeout(300_000);
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-split-'));
    fs.writeFileSync(path.join(cwd, 'small.rekd'), source);
    fs.mkdirSync(path.join(cwd, 'idx'));
    for (const name of FASHION_FILES) fs.writeFileSync(path.join(cwd, 'idx', name), '');
    env = { REKD_CACHE_DIR: path.join(cwd, 'cache') };
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('plans each cell with the run id of its concrete split: auto as found, package when set', async () => {
    const cells = compileFile(path.join(cwd, 'small.rekd')).grids.get('seeds')!.cells;
    expect(cells[0].experiment.data).to.include({ split: 'auto', path: path.join(cwd, 'idx') });
    const planned = await rekdcIn(cwd, env, 'plan', 'small.rekd', 'seeds');
    expect(planned.code, planned.stderr).to.equal(0);
    for (const cell of cells) {
      expect(planned.stdout).to.match(new RegExp(`^${cell.name} +${runId(withSplit(cell.experiment, 'official'))} +${cell.experiment.seed} +moco +new`, 'm'));
    }
    const packaged = await rekdcIn(cwd, env, 'plan', 'small.rekd', 'seeds', '--set', 'data.split = package');
    expect(packaged.code, packaged.stderr).to.equal(0);
    for (const cell of cells) {
      expect(packaged.stdout).to.match(new RegExp(`^${cell.name} +${runId(withSplit(cell.experiment, 'package'))} +${cell.experiment.seed} +moco +new`, 'm'));
    }
    // Both splits being concrete, the cells differ from their base in the seed alone (a column of its own).
    expect(planned.stdout).to.match(/^seeds_0 +\S+ +1 +moco +new +the same as small$/m);
  });

  it('runs under the id of the concrete split, which resolved.json and the program name; bad files stop it with their name', async () => {
    const result = await rekdcIn(cwd, env, 'run', 'small.rekd');
    const experiment = compileFile(path.join(cwd, 'small.rekd')).experiments.get('small')!;
    const dir = path.join(cwd, 'runs', `small-${runId(withSplit(experiment, 'official'))}`);
    expect(fs.readdirSync(path.join(cwd, 'runs'))).to.deep.equal([path.basename(dir)]);
    const resolved = JSON.parse(fs.readFileSync(path.join(dir, 'resolved.json'), 'utf8'));
    expect(resolved.data).to.deep.equal({ kind: 'fashion_mnist', split: 'official', path: 'idx', train_size: 100, test_size: 50 });
    expect(fs.readFileSync(path.join(dir, 'program.mts'), 'utf8')).to.include('split: "official"');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(`${path.join('idx', 'train-images-idx3-ubyte')} is truncated: its 0 bytes end inside the 16-byte IDX header`);
    expect(result.stderr).to.not.include('    at ');
  });
});
