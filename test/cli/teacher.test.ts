/**
 * A shared teacher end to end, as researchers use it: one trains an experiment whose offline
 * teacher has its own pretrain recipe and exports the stage (`rekdc teacher export`); another
 * imports the file (`rekdc teacher import`) and runs the same experiment, which finds the stage
 * done, and an experiment naming the file as its `checkpoint`. The student's eval.json carries the
 * teacher's kNN top-1 in each case. The commands' errors are one line, without a stack trace.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { readJson, rekdcIn, workspaceWith, type Outcome } from './rekdc-child.ts';

/** 64 train images; the student trains one epoch; the teacher two with its own lr, warm-up and batch size. */
const experiment = (teacher: string) => `
experiment tiny {
  seed = 3
  backend = wasm
  batch_size = 16
  data synthetic { classes = 3, size = 16, channels = 1, count = 64, test_count = 30 }
  augment {
    random_resized_crop { size = 16, scale = 0.5 .. 1.0 }
    horizontal_flip {}
  }
  teacher resnet18 { width = 0.125, embed = 16, mode = offline, queue = 64, ${teacher} }
  student alexnet { width = 0.125, embed = 16 }
  loss {
    instance moco { queue = 64 }
    relation rekd { prototypes = 6 }
  }
  schedule cosine { epochs = 1 }
  eval { knn { every = 0 } }
}
`;
const pretrained = experiment('pretrain { epochs = 2, warmup_epochs = 1, lr = 0.1, batch_size = 32 }');

const workspace = (files: Record<string, string | Buffer>): string => workspaceWith('rekd-teacher-', files);

/** The eval.json of the workspace's one student run. */
function studentEval(cwd: string) {
  const runs = fs.readdirSync(path.join(cwd, 'runs')).filter((name) => name.startsWith('tiny-'));
  expect(runs).to.have.length(1);
  return readJson(path.join(cwd, 'runs', runs[0], 'eval.json'));
}

/** A user error of `rekdc teacher <action>`: exit 1 and one line naming the problem, no stack trace. */
function expectUserError(outcome: Outcome, action: 'export' | 'import', message: string): void {
  expect(outcome.code, outcome.stderr).to.equal(1);
  expect(outcome.stderr).to.equal(`rekdc teacher ${action}: ${message}\n`);
}

describe('rekdc teacher export / import', function () {
  this.timeout(300_000);

  it("shares a pretrained teacher: exported, imported and found done by the same recipe, or named as a checkpoint; the student's eval.json has its kNN top-1", async () => {
    const origin = workspace({ 'tiny.rekd': pretrained });
    const trained = await rekdcIn(origin, 'run', 'tiny.rekd');
    expect(trained.code, trained.stderr).to.equal(0);
    const [stage] = fs.readdirSync(path.join(origin, 'runs', 'teachers'));
    const stageDir = path.join(origin, 'runs', 'teachers', stage);
    // The stage trained with its own recipe: 64 images in batches of 32, 2 epochs, lr 0.1 after a one-epoch warm-up.
    expect(readJson(path.join(stageDir, 'resolved.json'))).to.deep.include({ epochs: 2, warmupEpochs: 1 });
    expect(readJson(path.join(stageDir, 'resolved.json')).optimizer).to.include({ lr: 0.1 });
    expect(readJson(path.join(stageDir, 'resolved.json')).loader).to.include({ batchSize: 32 });
    expect(readJson(path.join(stageDir, 'status.json'))).to.include({ state: 'finished', step: 4, epoch: 2 });
    const teacherEval = readJson(path.join(stageDir, 'eval.json'));
    expect(Object.keys(teacherEval)).to.have.members(['knn', 'linear', 'collapse']);
    // The student's evaluation uses knn's defaults too: the same figure for the same frozen teacher.
    expect(studentEval(origin).teacher.knn.top1).to.equal(teacherEval.knn.top1);

    const exported = await rekdcIn(origin, 'teacher', 'export', path.join('runs', 'teachers', stage), '-o', 'shared.teacher.ckpt');
    expect(exported.code, exported.stderr).to.equal(0);
    expect(exported.stderr, 'nothing else on stderr').to.equal('');
    const bytes = fs.readFileSync(path.join(origin, 'shared.teacher.ckpt'));
    expect(exported.stdout).to.match(new RegExp(`^wrote shared\\.teacher\\.ckpt: teacher stage ${stage}, resnet18 \\(width 0\\.125, embed 16, hidden 128, input channels 1\\), 4 steps, kNN top-1 [\\d.]+%, linear top-1 [\\d.]+%\\n`));
    expect(exported.stdout).to.contain(`\nsha256 ${createHash('sha256').update(bytes).digest('hex')}\n`);

    const elsewhere = workspace({ 'tiny.rekd': pretrained, 'shared.teacher.ckpt': bytes, 'fixed.rekd': experiment('checkpoint = "shared.teacher.ckpt"') });
    const imported = await rekdcIn(elsewhere, 'teacher', 'import', 'shared.teacher.ckpt');
    expect(imported.code, imported.stderr).to.equal(0);
    expect(imported.stderr, 'same runtime: no warning').to.equal('');
    const importedDir = path.join('runs', 'teachers', stage);
    expect(imported.stdout).to.equal(`imported shared.teacher.ckpt as ${importedDir}: experiments whose teacher pretrain recipe matches load it instead of training\n`);
    expect(fs.readFileSync(path.join(elsewhere, importedDir, 'checkpoints', 'latest.ckpt')).equals(bytes)).to.equal(true);
    const again = await rekdcIn(elsewhere, 'teacher', 'import', 'shared.teacher.ckpt');
    expect(again.stdout).to.equal(`${importedDir} already holds this teacher; nothing to import\n`);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 100] ^= 0x10;
    fs.writeFileSync(path.join(elsewhere, 'damaged.teacher.ckpt'), damaged);
    expectUserError(await rekdcIn(elsewhere, 'teacher', 'import', 'damaged.teacher.ckpt', '--runs', 'other'), 'import',
      'checkpoint damaged.teacher.ckpt fails its checksum (changed on disk after it was written)');
    expect(fs.existsSync(path.join(elsewhere, 'other')), 'nothing placed').to.equal(false);

    const reused = await rekdcIn(elsewhere, 'run', 'tiny.rekd');
    expect(reused.code, reused.stderr).to.equal(0);
    expect(reused.stderr).to.contain(`teacher: pretrained weights found in ${importedDir} (imported from shared.teacher.ckpt)`);
    expect(reused.stderr).to.not.contain('teacher: pretraining');
    expect(studentEval(elsewhere).teacher.knn.top1).to.equal(teacherEval.knn.top1);

    fs.rmSync(path.join(elsewhere, 'runs'), { recursive: true });
    const named = await rekdcIn(elsewhere, 'run', 'fixed.rekd');
    expect(named.code, named.stderr).to.equal(0);
    expect(named.stderr).to.match(new RegExp(`teacher: shared\\.teacher\\.ckpt \\(${stage}\\): kNN top-1 [\\d.]+%, linear top-1 [\\d.]+% in its own evaluation`));
    expect(studentEval(elsewhere).teacher.knn.top1).to.equal(teacherEval.knn.top1);
    expect(fs.existsSync(path.join(elsewhere, 'runs', 'teachers')), 'no pretrain stage').to.equal(false);
  });

  it('reports a missing file or directory, a folder or file that is no teacher and bad usage in one line', async () => {
    const cwd = workspace({ 'notes.txt': 'not a checkpoint' });
    expectUserError(await rekdcIn(cwd, 'teacher', 'export', 'runs/teachers/teacher-0'), 'export', 'runs/teachers/teacher-0 does not exist');
    expectUserError(await rekdcIn(cwd, 'teacher', 'export', '.'), 'export', '. is not a teacher stage or run directory (it has no resolved.json)');
    expectUserError(await rekdcIn(cwd, 'teacher', 'import', 'missing.ckpt'), 'import', 'cannot read checkpoint missing.ckpt: no such file');
    expectUserError(await rekdcIn(cwd, 'teacher', 'import', 'notes.txt'), 'import', 'notes.txt is not a rekd checkpoint (neither safetensors nor REKDCKPT)');
    const usage = await rekdcIn(cwd, 'teacher', 'import');
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.equal('rekdc teacher import: missing <file>\nusage: rekdc teacher import <file> [options]\n');
    expect((await rekdcIn(cwd, 'teacher', 'publish', 'x')).stderr).to.contain("rekdc teacher: unknown action 'publish' (export or import)");
  });
});
