/**
 * The command line a Node user expects (issue 15): strict options per command with a generated
 * --help, --version, did-you-mean for commands, options and names, usage errors (exit 2) naming
 * what was typed, check of folders and standard input, --format json, colour decided per stream,
 * warnings scoped to what a command uses, and a file declaring only grids pointing at `rekdc grid`.
 * Most run in this process (main, as bin/rekdc.js calls it); what depends on the process's own
 * streams (stdin, colour on stderr) goes through bin/rekdc.js.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { asksForHelp, parseCommandLine, suggestChoice, type CommandLine, type OptionSpecs } from '../../src/cli/args.ts';
import { UsageError } from '../../src/runs/usage-error.ts';
import { check } from '../../src/cli/check.ts';
import { colorFor } from '../../src/cli/color.ts';
import { grid } from '../../src/cli/grid.ts';
import { lineSplitter } from '../../src/runs/lines.ts';
import { run } from '../../src/cli/run.ts';
import { rekdcHere, type Printed } from './capture.ts';
import { tinyExperiment } from '../grid/fixture.ts';

const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
const rekdcBin = path.resolve('bin/rekdc.js');

/** bin/rekdc.js in a child process with `env` in place of the colour variables of ours. */
function rekdcChild(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Printed {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [rekdcBin, ...args], { cwd: options.cwd, input: options.input, encoding: 'utf8', env: { ...env, ...options.env } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A usage error: exit 2, nothing on stdout, and a first line of stderr matching `line`. */
function expectUsage(outcome: Printed, line: string | RegExp): void {
  expect(outcome.code, outcome.stderr).to.equal(2);
  expect(outcome.stdout).to.equal('');
  expect(outcome.stderr).to.not.match(/\n\s+at /);
  const first = outcome.stderr.split('\n')[0];
  if (typeof line === 'string') expect(first).to.equal(line);
  else expect(first).to.match(line);
}

const ESC = '\x1b[';


/** The .rekd files shipped in experiments/ (the count `check experiments` reports). */
function shippedExamples(): string[] {
  return fs.readdirSync('experiments').filter((name) => name.endsWith('.rekd'));
}
describe('rekdc command-line conventions', function () {
  this.timeout(60_000);
  let cwd: string;
  before(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-cli-'));
    // Two grids of one base: `quiet` is clean; `noisy`'s online teacher carries an unused pretrain (RK0509).
    fs.writeFileSync(path.join(cwd, 'two-grids.rekd'), `${tinyExperiment(`
  teacher resnet18 { width = 0.125, embed = 8, queue = 32 }
  loss { instance moco { queue = 32 } relation rekd { prototypes = 3 } }
  optimizer sgd {}
  schedule cosine { epochs = 1 }`)}
grid quiet of tiny { seed = [1, 2] }
grid noisy of tiny { teacher.pretrain.epochs = [1, 2] }
`);
    fs.writeFileSync(path.join(cwd, 'only-grids.rekd'), 'import "two-grids.rekd"\n\ngrid seeds of tiny { seed = [4, 5] }\n');
    fs.mkdirSync(path.join(cwd, 'nested', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'nested', 'deeper', 'typo.rekd'), tinyExperiment('loss { instance moco { queue = 32 } }\noptimizer sgd { lrr = 1 }\nschedule cosine { epochs = 1 }'));
    fs.mkdirSync(path.join(cwd, 'nested', 'node_modules'));
    fs.writeFileSync(path.join(cwd, 'nested', 'node_modules', 'skipped.rekd'), 'not a .rekd file anyone wrote');
    fs.mkdirSync(path.join(cwd, 'empty'));
  });
  after(() => fs.rmSync(cwd, { recursive: true, force: true }));

  describe('--version and --help', () => {
    it('prints the version of package.json', async () => {
      for (const flag of ['--version', '-V']) expect(await rekdcHere([flag])).to.deep.equal({ code: 0, stdout: `rekdc ${manifest.version}\n`, stderr: '' });
      // Through bin/rekdc.js too, from the cached bundle (REKD_DEBUG=1 would say that it fell back to tsx).
      expect(rekdcChild(['--version'], { env: { REKD_DEBUG: '1' } })).to.deep.equal({ code: 0, stdout: `rekdc ${manifest.version}\n`, stderr: '' });
    });

    it('lists every command in rekdc --help, and every option of a command in its own --help', async () => {
      const help = await rekdcHere(['--help']);
      expect(help.code).to.equal(0);
      for (const name of ['check', 'explain', 'schema', 'compile', 'run', 'plan', 'grid', 'worker', 'preview', 'report', 'teacher export', 'teacher import']) {
        expect(help.stdout).to.match(new RegExp(`\n  ${name} +\\S`), name);
      }
      for (const command of [check, run, grid] as Array<CommandLine<OptionSpecs>>) {
        const own = await rekdcHere([command.name, '--help']);
        expect(own.code).to.equal(0);
        expect(own.stdout).to.match(new RegExp(`^usage: rekdc ${command.name} `));
        for (const option of [...Object.keys(command.options), 'help']) expect(own.stdout, option).to.match(new RegExp(`--${option}\\b`));
        // `rekdc help <command>` is the same text; help wins over a wrong command line.
        expect((await rekdcHere(['help', command.name])).stdout).to.equal(own.stdout);
        expect((await rekdcHere([command.name, '--no-such-option', '-h'])).stdout).to.equal(own.stdout);
      }
      expect((await rekdcHere(['teacher', '--help'])).stdout).to.contain('usage: rekdc teacher export').and.contain('usage: rekdc teacher import');
    });

    it('prints the help on stderr with exit 2 when no command is given', async () => {
      const none = await rekdcHere([]);
      expect(none.code).to.equal(2);
      expect(none.stdout).to.equal('');
      expect(none.stderr).to.match(/^usage: rekdc <command>/);
    });
  });

  describe('did you mean', () => {
    it('suggests the command, option, experiment or grid meant', async () => {
      expectUsage(await rekdcHere(['chek', 'x.rekd']), "rekdc: unknown command 'chek'; did you mean 'check'?");
      expectUsage(await rekdcHere(['check', '--fromat', 'json', 'x.rekd']), "rekdc check: unknown option '--fromat'; did you mean '--format'?");
      expectUsage(await rekdcHere(['--verison']), "rekdc: unknown option '--verison'; did you mean '--version'?");
      expectUsage(await rekdcHere(['--jobs', '2']), "rekdc: unknown option '--jobs' (a command's options come after it: rekdc <command> --jobs)");
      expectUsage(await rekdcHere(['teacher', 'exprot', 'x']), "rekdc teacher: unknown action 'exprot'; did you mean 'export'?");
      expectUsage(await rekdcHere(['run', 'experiments/quickstart.rekd', 'quickstat']),
        "rekdc run: experiments/quickstart.rekd has no experiment 'quickstat'; did you mean 'quickstart'?");
      expectUsage(await rekdcHere(['explain', 'experiments/quickstart.rekd', 'temperature_by_studnet']),
        "rekdc explain: experiments/quickstart.rekd has no experiment, grid or grid cell 'temperature_by_studnet'; did you mean 'temperature_by_student'?");
      expectUsage(await rekdcHere(['plan', 'experiments/ablations.rekd', 'teacher_mod']),
        "rekdc plan: experiments/ablations.rekd has no grid 'teacher_mod'; did you mean 'teacher_mode'?");
      // Nothing close: what the file has.
      expectUsage(await rekdcHere(['plan', 'experiments/quickstart.rekd', 'zzz']),
        "rekdc plan: experiments/quickstart.rekd has no grid 'zzz' (it declares grids temperature_by_student)");
    });

    it('says that a grid\'s `where` removed a cell, or how many cells the grid has', async () => {
      // teacher_architecture: student x teacher (2 x 3), its `where` removes resnet18 taught by mobilenetv2 (cell 5).
      expectUsage(await rekdcHere(['compile', 'experiments/ablations.rekd', 'teacher_architecture_5']),
        'rekdc compile: the grid teacher_architecture in experiments/ablations.rekd has no cell teacher_architecture_5: its `where` removed it ' +
        '(rekdc plan experiments/ablations.rekd teacher_architecture lists the cells it keeps)');
      expectUsage(await rekdcHere(['explain', 'experiments/ablations.rekd', 'teacher_architecture_6']),
        'rekdc explain: the grid teacher_architecture in experiments/ablations.rekd has 6 cells (teacher_architecture_0 to teacher_architecture_5): ' +
        'there is no teacher_architecture_6');
    });

    it('explains one grid cell, as run and compile take it', async () => {
      const cell = await rekdcHere(['explain', 'experiments/ablations.rekd', 'teacher_architecture_4']);
      expect(cell.code, cell.stderr).to.equal(0);
      expect(cell.stdout).to.match(/^experiment teacher_architecture_4\n/);
      expect(cell.stdout).to.match(/\n {2}teacher resnet18 +grid experiments\/ablations\.rekd:36\n/).and.match(/\n {2}student resnet18 +grid /);
    });

    it('finds the choice that has the typed word as a part (gpu: tensorflow-gpu, not cpu)', () => {
      const backends = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'];
      expect(suggestChoice('gpu', backends)).to.equal('tensorflow-gpu');
      expect(suggestChoice('wsam', backends)).to.equal('wasm');
      expect(suggestChoice('zzzzzz', backends)).to.equal(undefined);
    });
  });

  describe('strict options per command', () => {
    it('refuses an option of another command, naming the command that has it', async () => {
      expectUsage(await rekdcHere(['check', '--jobs', '3', 'experiments/quickstart.rekd']),
        "rekdc check: unknown option '--jobs' (it is an option of rekdc grid)");
      expectUsage(await rekdcHere(['explain', 'experiments/quickstart.rekd', '--out', 'x']),
        "rekdc explain: unknown option '--out' (it is an option of rekdc compile, rekdc preview, rekdc compare, rekdc teacher export, rekdc export-weights)");
    });

    it('checks values, flags, repeats and operand counts', async () => {
      expectUsage(await rekdcHere(['run', 'x.rekd', '--backend', 'gpu']),
        "rekdc run: --backend must be one of auto, wasm, cpu, tensorflow, tensorflow-gpu, found 'gpu'; did you mean 'tensorflow-gpu'?");
      expectUsage(await rekdcHere(['run', 'x.rekd', '--threads', '0']), "rekdc run: --threads must be an integer from 1 to 256, found '0'");
      expectUsage(await rekdcHere(['grid', 'x.rekd', 'g', '--jobs', 'two']), "rekdc grid: --jobs must be an integer >= 1, found 'two'");
      expectUsage(await rekdcHere(['run', 'x.rekd', '--force=yes']), "rekdc run: --force takes no value (found '--force=yes')");
      expectUsage(await rekdcHere(['compile', 'x.rekd', '--out']), 'rekdc compile: --out needs a value (dir)');
      expectUsage(await rekdcHere(['compile', 'x.rekd', '--out', '--set', 'seed=1']), 'rekdc compile: --out needs a value (dir)');
      expectUsage(await rekdcHere(['grid', 'x.rekd', 'g', '--jobs', '1', '--jobs', '2']), "rekdc grid: --jobs is given twice ('1' and '2')");
      expectUsage(await rekdcHere(['check', '--format', 'yaml', 'x.rekd']), "rekdc check: --format must be one of text, json, found 'yaml'");
      expectUsage(await rekdcHere(['plan', 'x.rekd']), 'rekdc plan: missing <grid>');
      expectUsage(await rekdcHere(['plan', 'x.rekd', 'g', 'extra']), "rekdc plan: unexpected argument 'extra'");
      expectUsage(await rekdcHere(['check']), 'rekdc check: missing <file|folder|->...');
      expectUsage(await rekdcHere(['grid', 'x.rekd', 'g', '--queue', 'localhost:6379']), /^rekdc grid: --queue must be a Redis URL, /);
    });

    it('parses --name=value, -o value, repeated --set and -- for operands that start with a dash', () => {
      const command: CommandLine<OptionSpecs> = {
        name: 'demo', operands: '<a> [b]', count: [1, 2],
        options: { set: { kind: 'text', value: 'p=v', repeat: true, help: '' }, out: { kind: 'text', short: 'o', value: 'f', help: '' },
          force: { kind: 'flag', help: '' }, jobs: { kind: 'integer', value: 'N', min: 1, help: '' } },
      };
      expect(parseCommandLine(command, ['--set=a=1', 'file', '-o', 'x', '--set', 'b=2', '--jobs=3', '--', '-x'])).to.deep.equal({
        operands: ['file', '-x'], options: { set: ['a=1', 'b=2'], out: 'x', jobs: 3, force: false },
      });
      expect(() => parseCommandLine(command, ['a', 'b', 'c'])).to.throw(UsageError, "unexpected argument 'c'");
      expect(asksForHelp(['--', '--help'])).to.equal(false);
      expect(asksForHelp(['x', '-h'])).to.equal(true);
    });
  });

  describe('check of folders and standard input', () => {
    it('checks every .rekd file under a folder (not node_modules), named by its path', async () => {
      const checked = await rekdcHere(['check', 'nested'], { cwd });
      expect(checked.code).to.equal(1);
      expect(checked.stdout).to.contain(`${path.join('nested', 'deeper', 'typo.rekd')}:12:17: error[RK0201]: unknown attribute 'lrr'`);
      expect(checked.stdout).to.not.contain('skipped.rekd');
      expect(checked.stdout).to.match(/\nnested\/deeper\/typo\.rekd: 1 error\n$/);
      const examples = await rekdcHere(['check', 'experiments']);
      expect(examples.code).to.equal(0);
      expect(examples.stdout).to.match(new RegExp(`\\n${shippedExamples().length} files: no errors\\n$`));
      const empty = await rekdcHere(['check', 'empty', '--format', 'json'], { cwd });
      expect(empty.code).to.equal(1);
      expect(JSON.parse(empty.stdout).diagnostics.map((d: { message: string }) => d.message)).to.deep.equal(["no .rekd file in the folder 'empty'"]);
      const missing = await rekdcHere(['check', 'missing.rekd'], { cwd });
      expect(missing.stdout).to.contain("error[RK0002]: cannot read 'missing.rekd': no such file");
    });

    it('reads - from standard input as <stdin>, its imports relative to the working directory', () => {
      const text = 'import "two-grids.rekd"\nexperiment piped extends tiny { seed = -1 }\n';
      const piped = rekdcChild(['check', '-', '--format', 'json'], { cwd, input: text });
      expect(piped.code, piped.stderr).to.equal(1);
      const json = JSON.parse(piped.stdout);
      expect(json.files).to.deep.equal(['<stdin>']);
      expect(json.diagnostics.map((d: { code: string; span: { file: string; line: number } }) => [d.code, d.span.file, d.span.line]))
        .to.deep.equal([['RK0302', '<stdin>', 2]]);
      const text2 = rekdcChild(['check', '-'], { cwd, input: 'import "two-grids.rekd"\n' });
      expect(text2).to.include({ code: 0, stdout: '<stdin>: no errors\n' });
    });
  });

  describe('--format json', () => {
    it('prints one JSON document on stdout for check, explain and plan, diagnostics included', async () => {
      const checked = JSON.parse((await rekdcHere(['check', 'experiments/quickstart.rekd', '--format', 'json'])).stdout);
      expect(checked).to.deep.equal({ files: ['experiments/quickstart.rekd'], diagnostics: [], summary: 'no errors' });

      const planned = await rekdcHere(['plan', 'two-grids.rekd', 'noisy', '--format', 'json'], { cwd });
      expect(planned.code).to.equal(0);
      expect(planned.stderr).to.equal('');
      const plan = JSON.parse(planned.stdout);
      expect(plan).to.include({ grid: 'noisy', base: 'tiny', file: 'two-grids.rekd' });
      expect(plan.counts).to.deep.equal({ cells: 2, complete: 0, failed: 0, interrupted: 0, running: 0, new: 2 });
      expect(plan.cells.map((c: { name: string; state: string; values: unknown }) => [c.name, c.state, c.values]))
        .to.deep.equal([['noisy_0', 'new', { 'teacher.pretrain.epochs': 1 }], ['noisy_1', 'new', { 'teacher.pretrain.epochs': 2 }]]);
      expect(plan.cells[0].dir).to.equal(`runs/noisy_0-${plan.cells[0].run_id}`);
      expect(plan.diagnostics.map((d: { code: string }) => d.code)).to.deep.equal(['RK0509']);

      const explained = JSON.parse((await rekdcHere(['explain', 'two-grids.rekd', 'quiet', '--format', 'json'], { cwd })).stdout);
      expect(explained.experiments.map((e: { experiment: { name: string; seed: number } }) => [e.experiment.name, e.experiment.seed]))
        .to.deep.equal([['quiet_0', 1], ['quiet_1', 2]]);
      expect(explained.experiments[1].provenance.seed).to.equal('grid two-grids.rekd:18');
      expect(explained.diagnostics).to.deep.equal([]);

      // A file with errors: its diagnostics alone, exit 1.
      const broken = await rekdcHere(['plan', 'nested/deeper/typo.rekd', 'g', '--format', 'json'], { cwd });
      expect(broken.code).to.equal(1);
      expect(JSON.parse(broken.stdout)).to.include({ summary: '1 error' });
    });
  });

  describe('warnings of what the command uses', () => {
    it('shows a grid\'s warning for that grid and for check, not for another grid of the file', async () => {
      const quiet = await rekdcHere(['plan', 'two-grids.rekd', 'quiet'], { cwd });
      expect(quiet.code).to.equal(0);
      expect(quiet.stderr).to.equal('');
      const noisy = await rekdcHere(['plan', 'two-grids.rekd', 'noisy'], { cwd });
      expect(noisy.stderr).to.match(/^two-grids\.rekd:\d+:\d+: warning\[RK0509\]/);
      expect((await rekdcHere(['check', 'two-grids.rekd'], { cwd })).stdout).to.contain('warning[RK0509]');
      expect((await rekdcHere(['explain', 'two-grids.rekd', 'quiet'], { cwd })).stderr).to.equal('');
    });

    it('ships examples without warnings', async () => {
      const checked = JSON.parse((await rekdcHere(['check', 'experiments', '--format', 'json'])).stdout);
      expect(checked.diagnostics.filter((d: { severity: string }) => d.severity !== 'note')).to.deep.equal([]);
      expect(checked.files).to.have.length(shippedExamples().length);
    });
  });

  describe('a file that declares only grids', () => {
    it('says how to run, compile or explain one of its grids instead of acting on nothing', async () => {
      const ran = await rekdcHere(['run', 'only-grids.rekd'], { cwd });
      expectUsage(ran, 'rekdc run: only-grids.rekd declares no experiment, only grids (seeds):');
      expect(ran.stderr).to.contain('  rekdc grid only-grids.rekd seeds ').and.contain('  rekdc run only-grids.rekd seeds_0 ');
      const compiled = await rekdcHere(['compile', 'only-grids.rekd', '--out', 'programs'], { cwd });
      expectUsage(compiled, 'rekdc compile: only-grids.rekd declares no experiment, only grids (seeds):');
      expect(fs.existsSync(path.join(cwd, 'programs'))).to.equal(false);
      expectUsage(await rekdcHere(['explain', 'only-grids.rekd'], { cwd }), /^rekdc explain: only-grids\.rekd declares no experiment, only grids \(seeds\): rekdc explain only-grids\.rekd <grid>/);
      expectUsage(await rekdcHere(['run', 'only-grids.rekd', 'seeds'], { cwd }), "rekdc run: 'seeds' in only-grids.rekd is a grid, not an experiment:");
      expectUsage(await rekdcHere(['plan', 'two-grids.rekd', 'tiny'], { cwd }), "rekdc plan: 'tiny' in two-grids.rekd is an experiment, not a grid: rekdc run two-grids.rekd tiny runs it");
    });
  });

  describe('colour', () => {
    it('is decided per stream: NO_COLOR, then FORCE_COLOR, then a terminal', () => {
      expect(colorFor({ isTTY: true }, {})).to.equal(true);
      expect(colorFor({ isTTY: false }, {})).to.equal(false);
      expect(colorFor({}, { FORCE_COLOR: '1' })).to.equal(true);
      expect(colorFor({ isTTY: true }, { FORCE_COLOR: '0' })).to.equal(false);
      expect(colorFor({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
      expect(colorFor({}, { NO_COLOR: '1', FORCE_COLOR: '1' })).to.equal(false);
      expect(colorFor({ isTTY: true }, { TERM: 'dumb' })).to.equal(false);
    });

    it('keeps escape codes out of a redirected stderr, and puts them in with FORCE_COLOR', () => {
      const args = ['explain', 'nested/deeper/typo.rekd'];
      const plain = rekdcChild(args, { cwd });
      expect(plain.code).to.equal(1);
      expect(plain.stderr).to.contain('error[RK0201]').and.not.contain(ESC);
      expect(rekdcChild(args, { cwd, env: { FORCE_COLOR: '1' } }).stderr).to.contain(`${ESC}1;31merror[RK0201]${ESC}0m`);
      expect(rekdcChild(args, { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stderr).to.not.contain(ESC);
      // check prints to stdout: decided for stdout.
      expect(rekdcChild(['check', 'nested'], { cwd, env: { FORCE_COLOR: '1' } }).stdout).to.contain(ESC);
    });
  });

  it('splits a child\'s output into lines at \\n and \\r, across chunks', () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    for (const chunk of ['a\nb', 'c\r', '\nd\re\n\n', 'f']) splitter.write(chunk);
    splitter.end();
    expect(lines).to.deep.equal(['a', 'bc', 'd', 'e', 'f']);
  });
});
