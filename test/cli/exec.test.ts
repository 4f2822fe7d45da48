/**
 * A program written by `rekdc compile --out` runs as its header says, from the folder it was
 * written to (no node_modules there, no package.json: an ES module by its .mts name).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { tinyExperiment } from '../grid/fixture.ts';
import { rekdcIn } from './rekdc-child.ts';

describe('rekdc exec: a compiled program run as its header says', function () {
  this.timeout(120_000);
  let scratch: string;
  before(() => { scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-exec-')); });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('compiles to a folder outside the package and runs the program there to the end', async () => {
    const out = path.join(scratch, 'out');
    fs.writeFileSync(path.join(scratch, 'tiny.rekd'), tinyExperiment('loss { instance moco { queue = 32 } }\noptimizer sgd {}\nschedule cosine { epochs = 1 }'));
    const compiled = await rekdcIn(scratch, 'compile', 'tiny.rekd', '--out', out);
    expect(compiled.code, compiled.stderr).to.equal(0);
    const program = compiled.stdout.trim();
    expect(program).to.equal(path.join(out, 'tiny', 'tiny.mts'));
    // The header's command, word for word, from the folder the program was written to.
    const command = /^ \* {3}rekdc (exec <this file> <run directory>)$/m.exec(fs.readFileSync(program, 'utf8'));
    expect(command, 'the header names its command').to.not.equal(null);
    const ran = await rekdcIn(out, ...command![1].replace('<this file>', 'tiny/tiny.mts').replace('<run directory>', 'by-hand').split(' '));
    expect(ran.code, ran.stderr).to.equal(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'by-hand', 'status.json'), 'utf8'))).to.include({ state: 'finished' });
    expect(fs.existsSync(path.join(out, 'by-hand', 'eval.json'))).to.equal(true);
  });

  it('marks the run failed when its program is killed before it can say why', async () => {
    const dir = path.join(scratch, 'killed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'resolved.json'), '{ "name": "killed" }\n');
    // What the OOM killer does to a training program.
    fs.writeFileSync(path.join(scratch, 'killed.mts'), 'process.kill(process.pid, "SIGKILL");\n');
    const killed = await rekdcIn(scratch, 'exec', 'killed.mts', 'killed');
    expect(killed.code, killed.stderr).to.equal(137);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8')))
      .to.include({ state: 'failed', message: 'the training program was killed (exit code 137) before it could say why' });
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).to.include('Status: failed at step 0, epoch 0');
  });

  it('says what is missing for a program that is not there', async () => {
    const missing = await rekdcIn(scratch, 'exec', 'nope.mts', 'runs/x');
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.equal('rekdc exec: nope.mts: no such program (write one with rekdc compile)\n');
  });
});
