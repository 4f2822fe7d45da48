/**
 * Teacher files: a pretrain stage exported and imported elsewhere is the same finished stage (same
 * directory name, the weights bit for bit) that the stage then loads without training; another
 * runtime's teacher is filed under this runtime's recipe with a warning; damaged files, misfit
 * encoders, unfinished or foreign directories are errors naming what is wrong.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { CheckpointError, loadCheckpoint } from '../../src/runtime/checkpoint.ts';
import { runtimeFingerprint } from '../../src/runtime/fingerprint.ts';
import { createEncoder, type Encoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { readJson, RunDirectory } from '../../src/runtime/run/directory.ts';
import { evaluate } from '../../src/runtime/train/evaluate.ts';
import { pretrainDirectory, pretrainTeacher, type PretrainOptions } from '../../src/runtime/train/pretrain.ts';
import { loadTeacherWeights } from '../../src/runtime/train/teacher.ts';
import { readTeacherFile, writeTeacherFile } from '../../src/runtime/train/teacher-file.ts';
import { exportTeacher, importTeacher } from '../../src/runtime/train/teacher-share.ts';
import { expectRejection } from './rejection.ts';
import { data, instance, stageOptions, tempRun, tinyTrain } from './train-setup.ts';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rekd-${prefix}-`));

/** The `model/student/...` tensors of a checkpoint as bytes, by name. */
function studentBytes(file: string): Map<string, Buffer> {
  const { tensors } = loadCheckpoint(file);
  const out = new Map<string, Buffer>();
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name.startsWith('model/student/')) out.set(name, Buffer.from((tensor.dataSync() as Float32Array).buffer.slice(0)));
  }
  tf.dispose(Object.values(tensors));
  return out;
}

function expectSameWeights(a: Encoder, b: Encoder): void {
  for (const [name, variable] of a.state()) {
    expect(Array.from(b.state().get(name)!.dataSync()), name).to.deep.equal(Array.from(variable.dataSync()));
  }
}

describe('teacher files: export and import', function () {
  this.timeout(120_000);
  let stage: string;
  let options: PretrainOptions;
  let teacher: Encoder;
  let file: string;

  before(async () => {
    await initBackend('wasm');
    options = stageOptions(tempDir('teachers'));
    teacher = await pretrainTeacher(options);
    stage = pretrainDirectory(options);
    file = path.join(tempDir('share'), 'shared.teacher.ckpt');
    await exportTeacher(stage, file);
  });
  after(() => teacher.dispose());

  it('exports a finished stage whole: its weights, recipe, evaluation and the sha256 of the file', async () => {
    const again = path.join(tempDir('share'), 'again.teacher.ckpt');
    const { record, sha256 } = await exportTeacher(stage, again);
    expect(sha256).to.equal(createHash('sha256').update(fs.readFileSync(again)).digest('hex'));
    expect(record).to.deep.include({ format: 'rekd teacher 1', source: 'pretrain', name: path.basename(stage), trained: { step: 4, epoch: 1 } });
    expect(record.recipe).to.deep.equal(readJson(path.join(stage, 'resolved.json')));
    // The recipe's encoder with its projection width as built (the recipe leaves it to the default, 2 x features).
    expect(record.encoder).to.deep.equal({ ...options.encoder, hidden: 2 * teacher.featureDim });
    expect(record.eval).to.deep.equal(readJson(path.join(stage, 'eval.json')));
    expect(readTeacherFile(again).metadata).to.deep.equal(record);
    // Only the frozen encoder's weights: no optimiser slots, key encoder or queue.
    expect(studentBytes(again)).to.deep.equal(studentBytes(path.join(stage, 'checkpoints', 'latest.ckpt')));
    expect(Object.keys(loadCheckpoint(again).tensors).every((name) => name.startsWith('model/student/'))).to.equal(true);
  });

  it('imports it elsewhere as the same finished stage, which the stage then loads without training', async () => {
    const cacheRoot = tempDir('teachers');
    const warnings: string[] = [];
    const result = importTeacher(file, cacheRoot, (text) => warnings.push(text));
    expect(result.state).to.equal('imported');
    expect(result.dir).to.equal(path.join(cacheRoot, path.basename(stage)));
    expect(warnings, 'same runtime: no warning').to.deep.equal([]);
    // The weights bit for bit: the stage's checkpoint is the file itself.
    expect(fs.readFileSync(path.join(result.dir, 'checkpoints', 'latest.ckpt')).equals(fs.readFileSync(file))).to.equal(true);
    expect(studentBytes(path.join(result.dir, 'checkpoints', 'latest.ckpt'))).to.deep.equal(studentBytes(path.join(stage, 'checkpoints', 'latest.ckpt')));
    expect(readJson(path.join(result.dir, 'eval.json'))).to.deep.equal(readJson(path.join(stage, 'eval.json')));
    expect(readJson(path.join(result.dir, 'imported.json'))).to.deep.include({
      file, trainedByRuntime: runtimeFingerprint(), sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
    });

    const lines: string[] = [];
    const loaded = await pretrainTeacher(stageOptions(cacheRoot, (text) => lines.push(text)));
    expect(lines.filter((line) => line.startsWith('teacher: pretraining'))).to.deep.equal([]);
    expect(lines[0]).to.equal(`teacher: pretrained weights found in ${result.dir} (imported from ${file})\n`);
    expect(lines.at(-1)).to.match(/^teacher: kNN top-1 [\d.]+%, linear top-1 [\d.]+% \(/);
    expect(fs.existsSync(path.join(result.dir, 'metrics.jsonl')), 'nothing trained').to.equal(false);
    expectSameWeights(teacher, loaded);
    loaded.dispose();

    expect(importTeacher(file, cacheRoot, (text) => warnings.push(text)).state).to.equal('present');
  });

  it("files another runtime's teacher under this runtime's recipe, warns, and gives its runtime back on export", async () => {
    const { tensors, metadata } = readTeacherFile(file);
    const elsewhere = path.join(tempDir('share'), 'elsewhere.teacher.ckpt');
    const otherRuntime = 'f'.repeat(64);
    await writeTeacherFile(elsewhere, tensors, { ...metadata, recipe: { ...metadata.recipe, runtime: otherRuntime } });
    tf.dispose(Object.values(tensors));

    const cacheRoot = tempDir('teachers');
    const warnings: string[] = [];
    const { dir } = importTeacher(elsewhere, cacheRoot, (text) => warnings.push(text));
    expect(path.basename(dir)).to.equal(path.basename(stage));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain(`${elsewhere} was trained by another rekd runtime (fingerprint ffffffffffff, this one ${runtimeFingerprint().slice(0, 12)})`);
    expect(readJson<{ runtime: string }>(path.join(dir, 'resolved.json'))!.runtime).to.equal(runtimeFingerprint());
    expect(readJson(path.join(dir, 'imported.json'))).to.deep.include({ trainedByRuntime: otherRuntime });
    const { record } = await exportTeacher(dir, path.join(tempDir('share'), 'back.teacher.ckpt'));
    expect(record.recipe.runtime).to.equal(otherRuntime);
  });

  it('refuses a damaged file, naming it', () => {
    const damaged = path.join(tempDir('share'), 'damaged.teacher.ckpt');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 100] ^= 0x01;
    fs.writeFileSync(damaged, bytes);
    const message = `checkpoint ${damaged} fails its checksum`;
    expect(() => importTeacher(damaged, tempDir('teachers'), () => {})).to.throw(CheckpointError, message);
    const encoder = createEncoder({ ...options.encoder, rng: new Rng(1) });
    expect(() => loadTeacherWeights(encoder, damaged, () => {})).to.throw(CheckpointError, message);
    encoder.dispose();
    expect(() => importTeacher(path.join(tempDir('share'), 'missing.ckpt'), tempDir('teachers'), () => {}))
      .to.throw(CheckpointError, /cannot read checkpoint .*missing\.ckpt: no such file/);
  });

  it('loads as an offline checkpoint, logging its evaluation, and names every tensor that does not fit', () => {
    const lines: string[] = [];
    const encoder = loadTeacherWeights(createEncoder({ ...options.encoder, rng: new Rng(1), trainable: false }), file, (line) => lines.push(line));
    expectSameWeights(teacher, encoder);
    encoder.dispose();
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(new RegExp(`^teacher: ${file} \\(${path.basename(stage)}\\): kNN top-1 [\\d.]+%, linear top-1 [\\d.]+% in its own evaluation$`));

    const wider = createEncoder({ ...options.encoder, width: 0.25, rng: new Rng(1), trainable: false });
    let error: Error | undefined;
    try {
      loadTeacherWeights(wider, file, () => {});
    } catch (caught) {
      error = caught as Error;
    }
    wider.dispose();
    expect(error).to.be.instanceOf(CheckpointError);
    expect(error!.message).to.contain(`teacher checkpoint ${file} does not fit the teacher alexnet (width 0.25, embed 16,`);
    expect(error!.message).to.contain(`holds the teacher alexnet (width 0.125, embed 16, hidden ${2 * teacher.featureDim}, input channels 1)`);
    expect(error!.message).to.match(/'model\/student\/backbone\/[^']+' has shape \[[\d,]+\], the model expects \[[\d,]+\]/);
    expect(error!.message).to.match(/; and \d+ more\)$/);
  });

  it('refuses to export an unfinished or foreign directory', async () => {
    const out = path.join(tempDir('share'), 'out.ckpt');
    await expectRejection(exportTeacher(path.join(os.tmpdir(), 'rekd-no-such-dir'), out), /rekd-no-such-dir does not exist/);
    await expectRejection(exportTeacher(tempDir('empty'), out), /is not a teacher stage or run directory \(it has no resolved\.json\)/);
    const unfinished = copyStage(tempDir('teachers'));
    new RunDirectory(unfinished).setStatus('interrupted', { step: 2, epoch: 1 });
    await expectRejection(exportTeacher(unfinished, out), `${unfinished} has not finished (interrupted at step 2)`);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('never imports over another teacher of the same recipe', async () => {
    // The same record with other weights (a teacher trained with another lr, relabelled).
    const other = stageOptions(tempDir('teachers'));
    other.optimizer = { ...other.optimizer, lr: 0.05 };
    (await pretrainTeacher(other)).dispose();
    const { tensors, metadata } = readTeacherFile(file);
    tf.dispose(Object.values(tensors));
    const otherWeights = loadCheckpoint(path.join(pretrainDirectory(other), 'checkpoints', 'latest.ckpt')).tensors;
    const impostor = path.join(tempDir('share'), 'impostor.teacher.ckpt');
    const student = Object.fromEntries(Object.entries(otherWeights).filter(([name]) => name.startsWith('model/student/')));
    await writeTeacherFile(impostor, student, metadata);
    tf.dispose(Object.values(otherWeights));

    const cacheRoot = tempDir('teachers');
    const dir = copyStage(cacheRoot);
    expect(() => importTeacher(impostor, cacheRoot, () => {})).to.throw(`${dir} already holds a finished teacher of this recipe with other weights`);
    new RunDirectory(dir).setStatus('interrupted', { step: 2, epoch: 1 });
    expect(() => importTeacher(file, cacheRoot, () => {})).to.throw(`${dir} holds an unfinished pretrain of this recipe (interrupted at step 2)`);
  });

  it("exports a finished run's student, which an offline checkpoint takes and import refuses", async () => {
    const student = { kind: 'alexnet', width: 0.125, embed: 16, hidden: 0 };
    const run = tempRun({ name: 'tiny', student });
    const trained = await tinyTrain({ run, objective: { instance }, epochs: 1 });
    await evaluate({ run, encoder: trained.student, data, seed: 0, knn: {}, log: () => {} });
    const out = path.join(tempDir('share'), 'student.teacher.ckpt');
    const { record } = await exportTeacher(run.dir, out);
    // `hidden = 0` in the recipe; the file records the width built, twice the backbone's features.
    expect(record).to.deep.include({ source: 'run', encoder: { ...student, hidden: 2 * trained.student.featureDim }, name: path.basename(run.dir) });
    const loaded = loadTeacherWeights(createEncoder({ kind: 'alexnet', width: 0.125, embed: 16, inChannels: 1, rng: new Rng(1) }), out, () => {});
    expectSameWeights(trained.student, loaded);
    loaded.dispose();
    trained.student.dispose();
    expect(() => importTeacher(out, tempDir('teachers'), () => {}))
      .to.throw(`${out} holds the student of the run ${record.name}, not a teacher pretrain stage`);
  });

  /** A copy of the exported stage's directory in `cacheRoot`. */
  function copyStage(cacheRoot: string): string {
    const dir = path.join(cacheRoot, path.basename(stage));
    fs.cpSync(stage, dir, { recursive: true });
    return dir;
  }
});
