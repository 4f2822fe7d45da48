/**
 * The evaluation's floors: the raw-pixel probe on a planted linearly separable set, eval.json's
 * names, the untrained floor built from the run's initial weights, and the floor cache (reused,
 * and recomputed when corrupt).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { initBackend } from '../../src/runtime/backend.ts';
import { type Dataset, fingerprintOf, type Split } from '../../src/runtime/data/dataset.ts';
import { createEncoder, type Encoder } from '../../src/runtime/nn/encoder.ts';
import { backboneKinds } from '../../src/runtime/nn/backbones/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { floorTable } from '../../src/runtime/run/report.ts';
import { cachedResult } from '../../src/runtime/run/result-cache.ts';
import { evaluate, type EvaluationResults } from '../../src/runtime/train/evaluate.ts';
import {
  pixelFeatures, pixelFloor, probeFigures, type ProbeSettings, recalibrateBatchNorm, untrainedFloor,
} from '../../src/runtime/train/floors.ts';
import { data, tempRun, tinyEncoder, tinyTrain } from './train-setup.ts';

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** The sha256 of every variable's values by name (weights and BatchNorm statistics): equal maps, equal values. */
function valuesOf(encoder: Encoder, only: 'trainable' | 'all' = 'all'): Map<string, string> {
  const variables = only === 'trainable' ? encoder.trainableVariables() : encoder.state();
  const digest = (v: tf.Variable) => createHash('sha256').update(v.dataSync() as Float32Array).digest('hex');
  return new Map([...variables].map(([name, v]) => [name, digest(v)]));
}

/** The values of a variable of `encoder`. */
const variableValues = (encoder: Encoder, name: string): Float32Array => encoder.state().get(name)!.dataSync() as Float32Array;

/**
 * 6x6 grey images of `classes` classes: uniform noise in [0, 100), except that pixel c, the
 * marker of class c, is in [200, 255] on the images of class c. Linearly separable by
 * construction (score_c = pixel c), with a wide margin.
 */
function plantedSeparable(seed: number, classes = 4): Dataset {
  const rng = new Rng(seed);
  const side = 6;
  const split = (count: number): Split => {
    const images = new Uint8Array(count * side * side);
    const labels = Int32Array.from({ length: count }, () => rng.int(classes));
    for (let i = 0; i < count; i++) {
      for (let p = 0; p < side * side; p++) images[i * side * side + p] = rng.int(100);
      images[i * side * side + labels[i]] = 200 + rng.int(56);
    }
    return { images, labels, count };
  };
  const shape = { height: side, width: side, channels: 1, classes };
  const train = split(400);
  const test = split(200);
  return { name: 'planted', ...shape, train, test, fingerprint: fingerprintOf(shape, train, test) };
}

const linear = { epochs: 10, lr: 0.1, batchSize: 32, weightDecay: 0 };
const knn = { k: 5, temperature: 0.07 };

describe('evaluation floors', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  it('the raw-pixel linear probe reaches 100% on a planted linearly separable set, and not on shuffled labels', async () => {
    const planted = plantedSeparable(1);
    const { figures } = await pixelFloor(planted, { linear, seed: 0 }, { dir: tempDir('rekd-floors-') });
    expect(figures.linear!.top1).to.equal(1);
    // The control: the same pixels with train labels unrelated to them give no such figure.
    const shuffled = Int32Array.from(planted.train.labels);
    new Rng(2).shuffle(shuffled);
    const control = { ...planted, train: { ...planted.train, labels: shuffled } };
    const figuresOfControl = await probeFigures(pixelFeatures(control.train, control), pixelFeatures(control.test, control), control, { linear, seed: 0 });
    expect(figuresOfControl.linear!.top1).to.be.below(0.6);
  });

  it('builds the same initial weights from the same seed through the run\'s random stream, other weights from another', () => {
    for (const kind of backboneKinds) {
      const options = { kind, width: 0.125, embed: 16, inChannels: 1 };
      // As the generated program does: one parent stream, forked by name for each model.
      const rng = new Rng(7);
      const initialStudent = () => createEncoder({ ...options, rng: rng.fork('student') });
      const student = initialStudent();
      const teacher = createEncoder({ ...options, rng: rng.fork('teacher') });
      const again = initialStudent();
      const otherSeed = createEncoder({ ...options, rng: new Rng(8).fork('student') });
      expect(valuesOf(again), kind).to.deep.equal(valuesOf(student));
      expect(valuesOf(otherSeed), kind).to.not.deep.equal(valuesOf(student));
      expect(valuesOf(teacher), kind).to.not.deep.equal(valuesOf(student));
      for (const encoder of [student, teacher, again, otherSeed]) encoder.dispose();
    }
  });

  it('recalibrates BatchNorm statistics only, whatever they were before', async () => {
    const fresh = tinyEncoder(0, 'student');
    const initial = valuesOf(fresh);
    await recalibrateBatchNorm(fresh, data.train, data, 0);
    const trainable = valuesOf(fresh, 'trainable');
    for (const [name, values] of trainable) expect(values, name).to.deep.equal(initial.get(name));
    const recalibrated = valuesOf(fresh);
    const statistics = [...recalibrated.keys()].filter((name) => !trainable.has(name));
    expect(statistics.length).to.be.above(0);
    for (const name of statistics) expect(recalibrated.get(name), name).to.not.deep.equal(initial.get(name));
    // Statistics scrambled first give the same result: the plain mean over the batches keeps nothing of them.
    const scrambled = tinyEncoder(0, 'student');
    for (const name of statistics) {
      const variable = scrambled.state().get(name)!;
      variable.assign(tf.fill(variable.shape, 3.5));
    }
    await recalibrateBatchNorm(scrambled, data.train, data, 0);
    for (const name of statistics) {
      const [a, b] = [variableValues(fresh, name), variableValues(scrambled, name)];
      a.forEach((v, i) => expect(b[i], name).to.be.closeTo(v, 1e-5 * Math.max(1, Math.abs(v))));
    }
    fresh.dispose();
    scrambled.dispose();
  });

  it('writes the floors to eval.json with the contract\'s names, logs them and tables them in report.md', async () => {
    const cacheDir = tempDir('rekd-floors-');
    const run = tempRun({ name: 'floored' });
    // The run's student: initialised from seed 0 (as initialStudent rebuilds it), then trained.
    const reference = tinyEncoder(0, 'student');
    const initialWeights = valuesOf(reference);
    reference.dispose();
    const { student } = await tinyTrain({ run, objective: { supervised: { weight: 1 } }, lr: 0.05 });
    expect(valuesOf(student)).to.not.deep.equal(initialWeights);
    const built: Array<Map<string, string>> = [];
    const initialStudent = () => {
      const encoder = tinyEncoder(0, 'student');
      built.push(valuesOf(encoder));
      return encoder;
    };
    const lines: string[] = [];
    const results = await evaluate({
      run, encoder: student, data, seed: 0, linear, knn, floors: { initialStudent, cacheDir }, log: (text) => lines.push(text),
    });
    expect(built).to.deep.equal([initialWeights]);

    const written = run.readEval<EvaluationResults>()!;
    expect(written).to.deep.equal(JSON.parse(JSON.stringify(results)));
    expect(written.floors).to.have.all.keys('pixels', 'untrained');
    for (const floor of [written.floors!.pixels, written.floors!.untrained]) {
      expect(floor).to.have.all.keys('linear', 'knn');
      expect(floor.linear).to.have.all.keys('top1', 'top5', 'trainLoss', 'steps');
      expect(floor.knn).to.have.all.keys('top1', 'top5', 'k', 'temperature');
      for (const top of [floor.linear!.top1, floor.linear!.top5, floor.knn!.top1, floor.knn!.top5]) expect(top).to.be.within(0, 1);
    }
    // The same probe code, settings and seed as the student's, on the pixels and on the untrained student.
    const settings: ProbeSettings = { linear, knn, seed: 0 };
    expect(written.floors!.pixels).to.deep.equal(await probeFigures(pixelFeatures(data.train, data), pixelFeatures(data.test, data), data, settings));
    const fresh = tinyEncoder(0, 'student');
    expect(written.floors!.untrained).to.deep.equal((await untrainedFloor(fresh, data, settings, { dir: tempDir('rekd-floors-') })).figures);
    fresh.dispose();

    const percent = (v: number) => `${(100 * v).toFixed(2)}%`;
    const { pixels, untrained } = written.floors!;
    expect(lines).to.include(`raw pixels: linear top-1 ${percent(pixels.linear!.top1)}, kNN top-1 ${percent(pixels.knn!.top1)}`);
    expect(lines).to.include(`untrained: linear top-1 ${percent(untrained.linear!.top1)}, kNN top-1 ${percent(untrained.knn!.top1)}`);
    const report = fs.readFileSync(run.paths.report, 'utf8');
    expect(report).to.include('| probe | student | untrained | raw pixels |');
    expect(report).to.include(`| linear top-1 | ${percent(written.linear!.top1)} | ${percent(untrained.linear!.top1)} | ${percent(pixels.linear!.top1)} |`);
    expect(report).to.include(`| kNN top-1 | ${percent(written.knn!.top1)} | ${percent(untrained.knn!.top1)} | ${percent(pixels.knn!.top1)} |`);

    // The untrained floor does not depend on what the student learnt: an untouched student gives the same.
    const other = tempRun({ name: 'untouched' });
    const untouched = tinyEncoder(0, 'student');
    const again = await evaluate({
      run: other, encoder: untouched, data, seed: 0, linear, knn, floors: { initialStudent, cacheDir: tempDir('rekd-floors-') }, log: () => {},
    });
    expect(again.floors).to.deep.equal(results.floors);
    student.dispose();
    untouched.dispose();
  });

  it('has a floor only for the probes evaluated, and none when floors are off', async () => {
    const cacheDir = tempDir('rekd-floors-');
    const student = tinyEncoder(0, 'student');
    const initialStudent = () => tinyEncoder(0, 'student');
    const linearOnly = await evaluate({ run: tempRun(), encoder: student, data, seed: 0, linear, floors: { initialStudent, cacheDir }, log: () => {} });
    expect(linearOnly.floors!.pixels).to.have.all.keys('linear');
    expect(linearOnly.floors!.untrained).to.have.all.keys('linear');
    const knnOnly = await evaluate({ run: tempRun(), encoder: student, data, seed: 0, knn, floors: { initialStudent, cacheDir }, log: () => {} });
    expect(knnOnly.floors!.pixels).to.have.all.keys('knn');
    expect(knnOnly.floors!.untrained).to.have.all.keys('knn');
    const lines: string[] = [];
    const off = await evaluate({ run: tempRun(), encoder: student, data, seed: 0, linear, knn, log: (text) => lines.push(text) });
    expect(off).to.not.have.property('floors');
    expect(lines.join('\n')).to.not.include('raw pixels');
    const collapseOnly = await evaluate({ run: tempRun(), encoder: student, data, seed: 0, collapse: {}, floors: { initialStudent, cacheDir }, log: () => {} });
    expect(collapseOnly).to.not.have.property('floors');
    student.dispose();
  });

  it('reuses the cached floors, recomputes them for another seed or initial student, and recomputes a corrupt one', async () => {
    const cacheDir = tempDir('rekd-floors-');
    const folder = path.join(cacheDir, 'floors');
    const student = tinyEncoder(0, 'student');
    const evaluateOnce = async (seed: number, studentSeed = 0) => {
      const lines: string[] = [];
      const floors = { initialStudent: () => tinyEncoder(studentSeed, 'student'), cacheDir };
      const results = await evaluate({ run: tempRun(), encoder: student, data, seed, linear, knn, floors, log: (text) => lines.push(text) });
      const line = (floor: string) => lines.find((text) => text.startsWith(`${floor}: `))!;
      return { floors: results.floors!, pixels: line('raw pixels'), untrained: line('untrained'), log: lines.join('\n') };
    };
    const first = await evaluateOnce(0);
    expect(first.pixels).to.match(/%$/);
    expect(first.untrained).to.match(/%$/);
    const files = fs.readdirSync(folder).map((name) => path.join(folder, name));
    expect(files.map((file) => path.basename(file).replace(/-[0-9a-f]{16}\.json$/, '')).sort())
      .to.deep.equal(['pixels-knn', 'pixels-linear', 'untrained-knn', 'untrained-linear']);
    const written = files.map((file) => fs.statSync(file).mtimeMs);

    const second = await evaluateOnce(0);
    expect(second.pixels).to.match(/% \(cached\)$/);
    expect(second.untrained).to.match(/% \(cached\)$/);
    expect(second.floors).to.deep.equal(first.floors);
    expect(files.map((file) => fs.statSync(file).mtimeMs)).to.deep.equal(written);

    // Another seed: the linear probe's batch order and the recalibration batches change (kNN on pixels does not).
    const otherSeed = await evaluateOnce(1);
    expect(otherSeed.pixels).to.match(/%$/);
    expect(otherSeed.untrained).to.match(/%$/);
    expect(fs.readdirSync(folder)).to.have.length(7);
    // Another initial student (its weights are the key): its own untrained floor, the same pixels.
    const otherStudent = await evaluateOnce(0, 1);
    expect(otherStudent.pixels).to.match(/\(cached\)$/);
    expect(otherStudent.untrained).to.match(/%$/);
    expect(otherStudent.floors.untrained).to.not.deep.equal(first.floors.untrained);

    // A changed figure in the file: its checksum no longer matches, so it is recomputed, not trusted.
    const linearFile = files.find((file) => path.basename(file).startsWith('pixels-linear-'))!;
    const text = fs.readFileSync(linearFile, 'utf8');
    const top1 = JSON.parse(text).value.top1 as number;
    fs.writeFileSync(linearFile, text.replace(`"top1": ${top1}`, '"top1": 0.999'));
    const repaired = await evaluateOnce(0);
    expect(repaired.log).to.include(`warning: raw-pixel linear floor cache ${linearFile} is corrupt (its checksum does not match); computing it again`);
    expect(repaired.pixels).to.match(/%$/);
    expect(repaired.floors).to.deep.equal(first.floors);
    expect((await evaluateOnce(0)).pixels).to.match(/\(cached\)$/);
    student.dispose();
  });
});

describe('result cache', () => {
  const location = { folder: 'things', name: 'thing', what: 'thing' };

  it('computes once per inputs, then reads the file', async () => {
    const dir = tempDir('rekd-cache-');
    let computed = 0;
    const compute = () => ({ answer: 40 + ++computed });
    const warnings: string[] = [];
    const options = { dir, warn: (text: string) => warnings.push(text) };
    expect(await cachedResult(location, { a: 1 }, compute, options)).to.include({ cached: false });
    const again = await cachedResult(location, { a: 1 }, compute, options);
    expect(again).to.deep.include({ value: { answer: 41 }, cached: true });
    expect(computed).to.equal(1);
    expect((await cachedResult(location, { a: 2 }, compute, options)).value).to.deep.equal({ answer: 42 });
    expect(warnings).to.deep.equal([]);
  });

  it('recomputes a file that is not JSON, is corrupt or holds other inputs, and warns', async () => {
    const dir = tempDir('rekd-cache-');
    let computed = 0;
    const compute = () => ({ answer: ++computed });
    const warnings: string[] = [];
    const options = { dir, warn: (text: string) => warnings.push(text) };
    const { file } = await cachedResult(location, { a: 1 }, compute, options);
    const good = fs.readFileSync(file, 'utf8');

    fs.writeFileSync(file, good.slice(0, good.length / 2));
    expect(await cachedResult(location, { a: 1 }, compute, options)).to.deep.include({ value: { answer: 2 }, cached: false });
    expect(warnings.pop()).to.equal(`thing cache ${file} is not JSON; computing it again`);

    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"answer": 2', '"answer": 7'));
    expect(await cachedResult(location, { a: 1 }, compute, options)).to.deep.include({ value: { answer: 3 }, cached: false });
    expect(warnings.pop()).to.equal(`thing cache ${file} is corrupt (its checksum does not match); computing it again`);

    // A well-formed file of other inputs under this name (a copied file, a hash prefix collision).
    const other = await cachedResult(location, { a: 9 }, compute, options);
    fs.copyFileSync(other.file, file);
    expect(await cachedResult(location, { a: 1 }, compute, options)).to.deep.include({ value: { answer: 5 }, cached: false });
    expect(warnings.pop()).to.equal(`thing cache ${file} holds a result for other inputs; computing it again`);
    expect(await cachedResult(location, { a: 1 }, compute, options)).to.deep.include({ value: { answer: 5 }, cached: true });
  });

  it('returns the value with a warning when the cache cannot be written', async () => {
    const dir = tempDir('rekd-cache-');
    const root = path.join(dir, 'a-file');
    fs.writeFileSync(root, 'not a folder');
    const warnings: string[] = [];
    const result = await cachedResult(location, { a: 1 }, () => 42, { dir: root, warn: (text) => warnings.push(text) });
    expect(result).to.include({ value: 42, cached: false });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^thing not cached \(cannot write .*\); it is computed again next time$/);
  });
});

describe('report floor table', () => {
  it('puts the student beside its untrained and raw-pixel floors, one row per probe', () => {
    const table = floorTable({
      linear: { top1: 0.8123 }, knn: { top1: 0.75 },
      floors: { pixels: { linear: { top1: 0.84 }, knn: { top1: 0.8 } }, untrained: { linear: { top1: 0.7 }, knn: { top1: 0.5 } } },
    });
    expect(table).to.deep.equal([
      '| probe | student | untrained | raw pixels |',
      '|---|---|---|---|',
      '| linear top-1 | 81.23% | 70.00% | 84.00% |',
      '| kNN top-1 | 75.00% | 50.00% | 80.00% |',
    ]);
    expect(floorTable({ linear: { top1: 0.5 } })).to.deep.equal([]);
    expect(floorTable({ knn: { top1: 0.5 }, floors: { pixels: { knn: { top1: 0.25 } }, untrained: { knn: { top1: 0.125 } } } })).to.deep.equal([
      '| probe | student | untrained | raw pixels |', '|---|---|---|---|', '| kNN top-1 | 50.00% | 12.50% | 25.00% |',
    ]);
    // With a teacher: its column, blank where it has no figure (a teacher has no linear probe).
    expect(floorTable({
      linear: { top1: 0.5 }, knn: { top1: 0.5 }, teacher: { knn: { top1: 0.875 } },
      floors: { pixels: { linear: { top1: 0.25 }, knn: { top1: 0.25 } }, untrained: { linear: { top1: 0.125 }, knn: { top1: 0.125 } } },
    })).to.deep.equal([
      '| probe | student | untrained | raw pixels | teacher |', '|---|---|---|---|---|',
      '| linear top-1 | 50.00% | 12.50% | 25.00% |  |', '| kNN top-1 | 50.00% | 12.50% | 25.00% | 87.50% |',
    ]);
  });
});
