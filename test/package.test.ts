/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty folder, then
 * `npx rekdc --version`, `npx rekdc check` of the shipped examples and a tiny synthetic `rekdc run`
 * from there. It shows that `files` holds everything the install (postinstall builds the native
 * kernels from native/) and a run need, and that nothing a run needs is a devDependency
 * (typescript, ajv and mocha are not installed: the run type-checks its program without them).
 *
 * The install reads the npm cache first (--prefer-offline: no network when the cache holds the
 * dependencies, as on a machine that ran `npm install`) and leaves out the optional dependencies
 * (--omit=optional): the GPU backend's install script downloads libtensorflow (hundreds of MB),
 * and without sharp's optional platform package sharp cannot load, so the run also shows that
 * only image folders load it. 26 s on an idle 2-core machine, 1 min 42 s on a busy one, most of
 * it the install and its native build (docs/cli.md, "The package").
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';

const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string; engines: { node: string } };

/**
 * The environment of a nested npm: without the npm_* variables `npm test` sets (npm_config_local_prefix
 * would point the install at this repository), but with the cache and registry in use.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || keep.has(name.toLowerCase()))), NO_COLOR: '1' };
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: npmEnvironment(), timeout: 240_000 });
  if (result.error) throw result.error;
  return result;
}

const tiny = `experiment tiny {
  seed = 1
  batch_size = 16
  data synthetic { classes = 2, count = 32, size = 8 }
  student alexnet { width = 0.125, embed = 8 }
  loss { instance moco { queue = 32 } }
  optimizer sgd {}
  schedule cosine { epochs = 1 }
}
`;

describe('the npm package (npm pack, installed from the tarball into an empty folder)', function () {
  this.timeout(300_000);
  let scratch: string;
  let app: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-package-'));
    app = path.join(scratch, 'app');
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('installs, then checks the shipped examples and runs a tiny experiment with npx rekdc', () => {
    const packed = run('npm', ['pack', '--json', '--pack-destination', scratch], process.cwd());
    expect(packed.status, packed.stderr).to.equal(0);
    const [{ filename, files }] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const shipped = new Set(files.map((f) => f.path));
    for (const needed of ['LICENSE', 'README.md', 'bin/rekdc.js', 'native/build.mjs', 'native/src/addon.cc', 'tsconfig.json',
      'experiments/quickstart.rekd', 'docs/cli.md', 'src/runtime/index.ts', 'src/runs/runtime-hooks.mjs', 'grammar/parser.ts',
      // What `rekdc export-weights` points to: the loader of its files and the PyTorch twins.
      'bench/reference/rekd_torch.py', 'bench/reference/models.py']) {
      expect(shipped.has(needed), needed).to.equal(true);
    }
    expect([...shipped].filter((f) => /^(test|bench|generated|scripts|node_modules)\//.test(f) && !f.startsWith('bench/reference/'))).to.deep.equal([]);
    expect([...shipped].filter((f) => f.startsWith('bench/reference/')).sort()).to.deep.equal(['bench/reference/models.py', 'bench/reference/rekd_torch.py']);

    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "rekd-install-test", "private": true }\n');
    const installed = run('npm', ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', path.join(scratch, filename)], app);
    expect(installed.status, installed.stderr).to.equal(0);
    const rekd = path.join(app, 'node_modules', 'rekd');
    // postinstall ran native/build.mjs: it built the kernels or recorded why not.
    expect(['rekd_native.node', 'error.txt'].some((f) => fs.existsSync(path.join(rekd, 'native', 'build', f)))).to.equal(true);
    for (const dev of ['typescript', 'ajv', 'mocha', 'chai']) expect(fs.existsSync(path.join(app, 'node_modules', dev)), dev).to.equal(false);

    const version = run('npx', ['--no', '--', 'rekdc', '--version'], app);
    expect(version.stdout).to.equal(`rekdc ${manifest.version}\n`);

    const checked = run('npx', ['--no', '--', 'rekdc', 'check', 'node_modules/rekd/experiments'], app);
    expect(checked.status, checked.stdout + checked.stderr).to.equal(0);
    const examples = fs.readdirSync('experiments').filter((name) => name.endsWith('.rekd')).length;
    expect(checked.stdout).to.match(new RegExp(`\\n${examples} files: no errors\\n$`));

    fs.writeFileSync(path.join(app, 'tiny.rekd'), tiny);
    const ran = run('npx', ['--no', '--', 'rekdc', 'run', 'tiny.rekd', '--format', 'json'], app);
    expect(ran.status, ran.stderr).to.equal(0);
    const result = JSON.parse(ran.stdout);
    expect(result).to.include({ experiment: 'tiny', outcome: 'finished', exit_code: 0 });
    expect(result.eval.knn.top1).to.be.within(0, 1);
    expect(fs.existsSync(path.join(app, result.report))).to.equal(true);
    expect(ran.stderr).to.match(/^backend wasm \S+, \d+ threads?, native kernels (on|off)/m);

    // engines is true: the oldest Node of each of its ranges meets every installed package's engines.
    const oldest = manifest.engines.node.split('||').map((range) => range.trim().replace(/^[\^>=~]+/, ''));
    expect(oldest).to.deep.equal(['20.19.0', '22.12.0', '23']);
    for (const dir of packageDirs(path.join(app, 'node_modules'))) {
      const needs = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
      if (needs === undefined) continue;
      for (const node of oldest) expect(satisfies(node, needs), `${path.relative(app, dir)} needs Node ${needs}; engines admits ${node}`).to.equal(true);
    }
  });

  it('has a lockfile that npm install leaves as it is', () => {
    const copy = path.join(scratch, 'lock');
    fs.mkdirSync(copy);
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(file, path.join(copy, file));
    const resolved = run('npm', ['install', '--package-lock-only', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], copy);
    expect(resolved.status, resolved.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(copy, 'package-lock.json'), 'utf8')).to.equal(fs.readFileSync('package-lock.json', 'utf8'));
  });
});

/** Every package folder under a node_modules, nested ones and scoped ones included. */
function packageDirs(nodeModules: string): string[] {
  if (!fs.existsSync(nodeModules)) return [];
  return fs.readdirSync(nodeModules).filter((name) => !name.startsWith('.')).flatMap((name) => {
    const dir = path.join(nodeModules, name);
    if (name.startsWith('@')) return packageDirs(dir);
    return fs.existsSync(path.join(dir, 'package.json')) ? [dir, ...packageDirs(path.join(dir, 'node_modules'))] : [];
  });
}

/**
 * Whether Node `version` (`20.9.0`, or `22` for 22.0.0) is in the semver range `range`, for the
 * forms packages write in engines: `||` alternatives of space-separated `>=`, `>`, `<`, `<=`, `^`,
 * `~` comparators and bare or x-ranges (`18`, `20.x`, `*`).
 */
function satisfies(version: string, range: string): boolean {
  const parts = (v: string) => v.split('.').filter((p) => p !== '' && !/^[xX*]$/.test(p)).map(Number);
  const node = [...parts(version), 0, 0].slice(0, 3);
  const compare = (v: number[]) => {
    const full = [...v, 0, 0].slice(0, 3);
    for (let i = 0; i < 3; i++) if (node[i] !== full[i]) return node[i] - full[i];
    return 0;
  };
  const comparator = (text: string): boolean => {
    const [, op, v] = /^(>=|<=|>|<|\^|~|=)?\s*v?(.*)$/.exec(text)!;
    const target = parts(v);
    if (target.length === 0) return true;
    if (op === '>=') return compare(target) >= 0;
    if (op === '>') return compare(target) > 0;
    if (op === '<=') return compare(target) <= 0;
    if (op === '<') return compare(target) < 0;
    if (op === '^') return compare(target) >= 0 && node[0] === target[0];
    if (op === '~') return compare(target) >= 0 && node[0] === target[0] && node[1] === (target[1] ?? node[1]);
    return target.every((n, i) => node[i] === n);
  };
  return range.split('||').some((alternative) => alternative.trim().replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1').split(/\s+/).every(comparator));
}
