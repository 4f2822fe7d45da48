import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend } from '../../src/runtime/backend.ts';
import { loadCheckpoint } from '../../src/runtime/checkpoint.ts';
import { Rng } from '../../src/runtime/random.ts';
import { prototypeLabels } from '../../src/runtime/objectives/prototypes.ts';
import type { Encoder } from '../../src/runtime/nn/encoder.ts';
import { readMetrics, type StepRecord } from '../../src/runtime/run/metrics.ts';
import { buildReport } from '../../src/runtime/run/report.ts';
import { readRunInfo } from '../../src/runtime/run/run-info.ts';
import { InterruptedError } from '../../src/runtime/run/signals.ts';
import { loadTeacherWeights } from '../../src/runtime/train/teacher.ts';
import { evaluate, type EvaluationResults } from '../../src/runtime/train/evaluate.ts';
import { splitFeatures } from '../../src/runtime/train/monitor.ts';
import { knnAccuracy } from '../../src/runtime/eval/knn.ts';
import { linearProbe } from '../../src/runtime/eval/linear.ts';
import { collapseMetrics } from '../../src/runtime/eval/collapse.ts';
import { readJson, RunDirectory } from '../../src/runtime/run/directory.ts';
import { cosineSchedule } from '../../src/runtime/optim/schedule.ts';
import { pretrainDirectory, pretrainRecipe, pretrainTeacher, type PretrainOptions } from '../../src/runtime/train/pretrain.ts';
import { sourceFingerprint } from '../../src/runtime/fingerprint.ts';
import { NonFiniteLossError } from '../../src/runtime/train/step.ts';
import type { TinyOptions } from './train-setup.ts';
import { BATCH, CLASSES, data, instance, rekd, relations, tempRun, tinyEncoder, tinyTrain } from './train-setup.ts';

function stepLosses(run: RunDirectory, term: string): number[] {
  return readMetrics(run.paths.metrics).filter((r): r is StepRecord => r.type === 'step').map((r) => r.loss[term]);
}

describe('training loop', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  const weak: TinyOptions['weak'] = [{ op: 'horizontal_flip' }];
  const objectives: Array<[string, TinyOptions['objective'], TinyOptions['teacher'], TinyOptions['weak']?]> = [
    ['instance moco', { instance }, undefined],
    ['symmetric instance moco', { instance: { ...instance, symmetric: true } }, undefined],
    ['symmetric instance moco with BatchNorm groups', { instance: { ...instance, symmetric: true, bnGroups: 4 } }, undefined],
    ['rekd (prototype miner, online teacher)', { instance, relation: relations['rekd prototype'] }, 'online'],
    ['rekd (knn miner)', { relation: { ...rekd, miner: 'knn' } }, 'offline'],
    ['rekd (soft miner, teacher on the weak view)', { relation: { ...rekd, miner: 'soft' } }, 'offline', weak],
    ['seed', { relation: relations.seed }, 'offline'],
    ['compress', { relation: relations.compress }, 'offline'],
    ['supervised', { supervised: { weight: 1 } }, undefined],
  ];
  for (const [name, objective, teacher, weakView] of objectives) {
    it(`lowers the ${name} loss`, async () => {
      const run = tempRun();
      // 4 steps per epoch, one metrics line per epoch; the queue (one batch) is full from step 2.
      await tinyTrain({ run, objective, teacher, epochs: 4, logEvery: 4, lr: 0.05, weak: weakView });
      const totals = stepLosses(run, 'total');
      expect(totals).to.have.length(4);
      expect(totals.every(Number.isFinite)).to.equal(true);
      expect(totals[3], `loss by epoch: ${totals.map((v) => v.toFixed(3)).join(', ')}`).to.be.lessThan(totals[1]);
    });
  }
});

/** Fraction of samples whose cluster's majority class is their own class. */
function purity(clusters: ArrayLike<number>, classes: ArrayLike<number>): number {
  const counts = new Map<number, number[]>();
  for (let i = 0; i < clusters.length; i++) {
    const row = counts.get(clusters[i]) ?? new Array(CLASSES).fill(0);
    row[classes[i]] += 1;
    counts.set(clusters[i], row);
  }
  let majority = 0;
  for (const row of counts.values()) majority += Math.max(...row);
  return majority / clusters.length;
}

describe('training loop: prototypes, resume, failures', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  it('learns prototypes that follow the true clusters, from a teacher loaded from an earlier run', async () => {
    // The teacher: a short supervised run (kNN on the subset shows it separates the classes).
    const teacherRun = tempRun();
    await tinyTrain({ run: teacherRun, objective: { supervised: { weight: 1 } }, lr: 0.05, knn: { k: 5, temperature: 0.07, every: 3, subset: 1000 } });
    const evals = readMetrics(teacherRun.paths.metrics).filter((r) => r.type === 'eval');
    expect(evals.map((r) => r.epoch)).to.deep.equal([3]);
    expect(fs.existsSync(teacherRun.paths.best), 'best checkpoint after the first kNN evaluation').to.equal(true);
    const encoder = loadTeacherWeights(tinyEncoder(5, 'teacher'), teacherRun.paths.latest);

    const run = tempRun();
    await tinyTrain({ run, objective: { instance, relation: relations['rekd prototype'] }, teacher: { mode: 'offline', encoder }, lr: 0.05 });
    const { tensors } = loadCheckpoint(run.paths.latest);
    const prototypes = tensors['miner/prototypes'] as tf.Tensor2D;
    expect(prototypes.shape).to.deep.equal([8, 16]);
    const images = tf.tidy(() => tf.div(tf.tensor4d(data.test.images, [data.test.count, 12, 12, 1], 'int32'), 255) as tf.Tensor4D);
    const t = tf.tidy(() => encoder.forward(images, false).embedding);
    const assigned = Array.from(prototypeLabels(t, prototypes).dataSync());
    const agreement = purity(assigned, data.test.labels);
    const chance = purity(assigned, new Rng(1).shuffle(Array.from(data.test.labels)));
    // Measured: 0.84 against 0.47 with shuffled labels.
    expect(agreement, `purity ${agreement} vs ${chance} with shuffled labels`).to.be.greaterThan(Math.max(0.7, chance + 0.25));
    tf.dispose([images, t, ...Object.values(tensors)]);
    encoder.dispose();
  });

  for (const bnGroups of [1, 2]) it(`resumes an interrupted run exactly (bn_groups ${bnGroups}): same weights and step counter as an uninterrupted one`, async () => {
    // With groups, the keys' shuffled order of each step must come back too.
    const objective = { instance: { ...instance, bnGroups }, relation: relations['rekd prototype'] };
    const wholeRun = tempRun();
    const whole = await tinyTrain({ run: wholeRun, objective, teacher: 'online', epochs: 2, logEvery: 1, checkpointEvery: 3 });

    const run = tempRun();
    let interrupted: unknown;
    try {
      // Ctrl-C arrives during step 5 (mid-epoch): the run saves a checkpoint after it and stops.
      await tinyTrain({
        run, objective, teacher: 'online', epochs: 2, logEvery: 1, checkpointEvery: 3,
        onLine: (line) => { if (line.includes('step 5/')) process.emit('SIGINT', 'SIGINT'); },
      });
    } catch (error) {
      interrupted = error;
    }
    expect(interrupted).to.be.instanceOf(InterruptedError);
    expect((interrupted as InterruptedError).step).to.equal(5);
    expect(run.status()?.state).to.equal('interrupted');
    // The interrupted run's tables hold what its checkpoint holds: steps 1 to 5.
    const csvSteps = () => fs.readFileSync(run.paths.metricsCsv, 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
    expect(csvSteps()).to.deep.equal([1, 2, 3, 4, 5]);
    expect(readRunInfo(run.paths.runInfo).sessions[0]).to.include({ steps: 5, images: 5 * BATCH });

    const resumed = await tinyTrain({ run, objective, teacher: 'online', epochs: 2, logEvery: 1, checkpointEvery: 3 });
    expect(resumed.result).to.include({ steps: 8, stepsRun: 3 });
    expect(readMetrics(run.paths.metrics).map((r) => r.step)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(csvSteps()).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    // One RunDirectory object here, so one session: both training calls add up in it.
    expect(readRunInfo(run.paths.runInfo).sessions[0]).to.include({ steps: 8, images: 8 * BATCH });
    for (const [name, variable] of whole.student.state()) {
      const other = resumed.student.state().get(name)!;
      expect(Array.from(other.dataSync()), name).to.deep.equal(Array.from(variable.dataSync()));
    }
    // The queue's class labels came back too: the same final queue and the same miner measurements.
    const [wholeQueue, resumedQueue] = [wholeRun, run].map((r) => loadCheckpoint(r.paths.latest).tensors);
    expect(Array.from(resumedQueue['queue/class_labels'].dataSync())).to.deep.equal(Array.from(wholeQueue['queue/class_labels'].dataSync()));
    expect(minerWindows(run)).to.have.length(7).and.to.deep.equal(minerWindows(wholeRun));
    tf.dispose([...Object.values(wholeQueue), ...Object.values(resumedQueue)]);
    whole.student.dispose();
    resumed.student.dispose();
  });

  it('stops on a non-finite loss naming the step and the term, keeping the last good checkpoint', async () => {
    const run = tempRun();
    let failure: unknown;
    try {
      await tinyTrain({ run, objective: { instance }, lr: 1e30, epochs: 2, logEvery: 1, checkpointEvery: 1 });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(NonFiniteLossError);
    const { step, term } = failure as NonFiniteLossError;
    expect(term).to.equal('instance');
    expect((failure as Error).message).to.contain(`loss term 'instance' is NaN at step ${step}`);
    expect(run.status()).to.include({ state: 'failed', step: step - 1 });
    const { tensors, metadata } = loadCheckpoint<{ step: number }>(run.paths.latest);
    expect(metadata.step).to.equal(step - 1);
    tf.dispose(Object.values(tensors));
  });

  it('keeps the number of live tensors constant from step to step', async () => {
    const counts: number[] = [];
    await tinyTrain({
      run: tempRun(), objective: { instance, relation: relations['rekd prototype'], supervised: { weight: 1 } },
      teacher: 'online', epochs: 2, logEvery: 1, onLine: () => counts.push(tf.memory().numTensors),
    });
    // Steps 1 and 2 seed the prototype bank and fill the queue; after that nothing may accumulate.
    expect(counts).to.have.length(8);
    expect(new Set(counts.slice(2)).size, `live tensors per step: ${counts.join(', ')}`).to.equal(1);
  });
});

/** Per logged window, the miner's precision and chance (windows that measured them). */
function minerWindows(run: ReturnType<typeof tempRun>): Array<{ precision: number; chance: number }> {
  return readMetrics(run.paths.metrics)
    .filter((r): r is StepRecord => r.type === 'step' && r.miner_precision !== undefined)
    .map((r) => ({ precision: r.miner_precision!, chance: r.miner_chance! }));
}

/**
 * A frozen stand-in teacher that only implements what an offline teacher uses (`config.embed`,
 * `forward`): `embed` maps a batch of the teacher's views, flattened to rows of pixels, to embeddings.
 */
function standInTeacher(embed: (images: tf.Tensor2D) => tf.Tensor2D): Encoder {
  const forward = (x: tf.Tensor4D) => {
    const embedding = tf.tidy(() => embed(tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D));
    return { features: embedding, embedding };
  };
  return { config: { embed: CLASSES }, forward } as unknown as Encoder;
}

describe('training loop: the relation miner against the classes', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  const pixels = data.height * data.width * data.channels;
  // The teacher sees the weak view; an empty pipeline makes it the training image itself.
  const identity: TinyOptions['weak'] = [];

  it('logs precision near 1 against chance near 1/classes for a teacher whose embedding is the one-hot class', async () => {
    const train = tf.keep(tf.div(tf.tensor2d(data.train.images, [data.train.count, pixels], 'int32'), 255) as tf.Tensor2D);
    const trainClasses = tf.keep(tf.tensor1d(data.train.labels, 'int32'));
    // The one-hot class of the nearest (the same) training image.
    const oracle = standInTeacher((x) => {
      const distances = tf.sub(tf.sum(tf.square(train), 1), tf.mul(tf.matMul(x, train, false, true), 2)); // up to ||x||², per row
      return tf.cast(tf.oneHot(tf.gather(trainClasses, tf.argMin(distances, 1)), CLASSES), 'float32') as tf.Tensor2D;
    });
    for (const miner of ['prototype', 'knn', 'soft'] as const) {
      const run = tempRun();
      const lines: string[] = [];
      await tinyTrain({
        run, objective: { relation: { ...rekd, miner } }, teacher: { mode: 'offline', encoder: oracle }, weak: identity,
        epochs: 2, logEvery: 4, onLine: (line) => lines.push(line),
      });
      // Measured: precision 1 for prototype and soft, 0.92 then 0.98 for knn (k = 3 of a 16-slot
      // queue that may hold fewer than 3 slots of a class); chance 0.24 and 0.25.
      const windows = minerWindows(run);
      expect(windows, miner).to.have.length(2);
      for (const { precision, chance } of windows) {
        expect(precision, `${miner} precision`).to.be.greaterThan(0.9);
        expect(chance, `${miner} chance`).to.be.within(0.1, 0.4);
      }
      expect(lines.at(-1)).to.match(/ \| miner \d\.\d\d \(chance 0\.\d\d\) \| /);
      const report = fs.readFileSync(buildReport(run.dir), 'utf8');
      expect(report).to.match(/\| miner_precision \(step 8\) \| (1|0\.9\d{3}) \|/);
      expect(report).to.contain('![miner precision and chance over steps](plots/miner.svg)');
    }
    tf.dispose([train, trainClasses]);
  });

  it('logs precision near chance for a teacher whose embedding ignores the image', async () => {
    let calls = 0;
    const noise = standInTeacher((x) => tf.randomNormal([x.shape[0], CLASSES], 0, 1, 'float32', (calls += 1)) as tf.Tensor2D);
    const run = tempRun();
    await tinyTrain({ run, objective: { relation: { ...rekd, miner: 'knn' } }, teacher: { mode: 'offline', encoder: noise }, epochs: 4, logEvery: 4 });
    const windows = minerWindows(run);
    expect(windows).to.have.length(4);
    // Measured: precision 0.25 against chance 0.24 (means of the 4 windows).
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const precision = mean(windows.map((w) => w.precision));
    const chance = mean(windows.map((w) => w.chance));
    expect(precision, `precision ${precision} vs chance ${chance}`).to.be.closeTo(chance, 0.15);
  });
});

describe('teacher pretrain stage', function () {
  this.timeout(60_000);
  before(async () => { await initBackend('wasm'); });

  it('trains a teacher recipe once and loads it from the cache afterwards', async () => {
    const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-teachers-'));
    const lines: string[] = [];
    const options: PretrainOptions = {
      cacheRoot, data, seed: 0, epochs: 1, warmupEpochs: 0,
      encoder: { kind: 'alexnet', width: 0.125, embed: 16, inChannels: 1 },
      instance: { temperature: 0.2, queue: BATCH, momentum: 0.9, symmetric: false, bnGroups: 1 },
      loader: { batchSize: BATCH, augment: [{ op: 'horizontal_flip' }], workers: 0 },
      optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9, nesterov: false, weightDecay: 5e-4 },
      progress: { write: (text: string) => lines.push(text), isTTY: false },
    };
    const first = await pretrainTeacher(options);
    const dir = pretrainDirectory(options);
    expect(readMetrics(path.join(dir, 'metrics.jsonl')).map((r) => r.step)).to.deep.equal([4]);
    // The frozen teacher's evaluation: knn's and the linear probe's defaults on its backbone features of the full splits.
    const stored = readJson<EvaluationResults>(path.join(dir, 'eval.json'))!;
    const train = await splitFeatures(first, data.train, data);
    const test = await splitFeatures(first, data.test, data);
    expect(stored.knn).to.deep.equal(await knnAccuracy(train, data.train.labels, test, data.test.labels));
    expect(stored.knn).to.include({ k: 20, temperature: 0.07 });
    expect(stored.linear).to.deep.equal(await linearProbe(train, data.train.labels, test, data.test.labels, { epochs: 10, lr: 0.1, batchSize: 256, weightDecay: 0, seed: 0 }));
    expect(stored.collapse).to.deep.equal(await collapseMetrics(test, data.test.labels));
    expect(readJson(path.join(dir, 'status.json'))).to.include({ state: 'finished', step: 4, epoch: 1 });
    const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
    const figure = `teacher: kNN top-1 ${percent(stored.knn!.top1)}, linear top-1 ${percent(stored.linear!.top1)} (${dir})`;
    expect(lines.filter((l) => l.startsWith('teacher: kNN'))).to.deep.equal([`${figure}\n`]);

    const second = await pretrainTeacher(options);
    expect(lines.filter((l) => l.startsWith('teacher: pretraining'))).to.have.length(1);
    expect(lines.filter((l) => l.startsWith('teacher: pretrained weights found'))).to.have.length(1);
    // A cached teacher prints its stored figure again.
    expect(lines.at(-1)).to.equal(`${figure}\n`);
    for (const [name, variable] of first.state()) {
      expect(Array.from(second.state().get(name)!.dataSync()), name).to.deep.equal(Array.from(variable.dataSync()));
    }
    // A cached teacher without eval.json still loads, and says it has no evaluation.
    fs.rmSync(path.join(dir, 'eval.json'));
    const third = await pretrainTeacher(options);
    expect(lines.at(-1)).to.equal(`teacher: no evaluation in ${dir} (no eval.json: its kNN accuracy is unknown)\n`);
    expect(lines.filter((l) => l.startsWith('teacher: pretraining'))).to.have.length(1);
    third.dispose();
    expect(pretrainDirectory({ ...options, epochs: 2 })).to.not.equal(dir);
    expect(pretrainDirectory({ ...options, loader: { ...options.loader, workers: 1 } })).to.equal(dir);
    // A changed runtime retrains: the recipe carries the hash of the runtime's sources.
    expect(pretrainRecipe(options).runtime).to.equal(sourceFingerprint(path.resolve('src/runtime')));
    first.dispose();
    second.dispose();
  });

  /** The recipe of the test above in a fresh cache, its progress lines dropped. */
  const stageOptions = (): PretrainOptions => ({
    cacheRoot: fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-teachers-')), data, seed: 0, epochs: 1, warmupEpochs: 0,
    encoder: { kind: 'alexnet', width: 0.125, embed: 16, inChannels: 1 },
    instance: { temperature: 0.2, queue: BATCH, momentum: 0.9, symmetric: false, bnGroups: 1 },
    loader: { batchSize: BATCH, augment: [{ op: 'horizontal_flip' }], workers: 0 },
    optimizer: { kind: 'sgd', lr: 0.02, momentum: 0.9, nesterov: false, weightDecay: 5e-4 },
    logEvery: 1, progress: { write: () => true, isTTY: false },
  });

  it('gives every recipe attribute its own stage and trains with the lr, warm-up and batch size of its recipe', async () => {
    const base = stageOptions();
    const variants: PretrainOptions[] = [
      { ...base, epochs: 2 }, { ...base, warmupEpochs: 1 },
      { ...base, loader: { ...base.loader, batchSize: 32 } },
      { ...base, optimizer: { ...base.optimizer, lr: 0.3 } }, { ...base, optimizer: { ...base.optimizer, weightDecay: 0 } },
      { ...base, instance: { ...base.instance, symmetric: true } }, { ...base, instance: { ...base.instance, temperature: 0.1 } },
      { ...base, instance: { ...base.instance, queue: 2 * BATCH } }, { ...base, instance: { ...base.instance, momentum: 0.99 } },
    ];
    const dirs = [base, ...variants].map(pretrainDirectory);
    expect(new Set(dirs).size, dirs.join('\n')).to.equal(dirs.length);

    // 64 images in batches of 32: 2 steps per epoch; one epoch of warm-up, then the cosine decay.
    const tuned: PretrainOptions = {
      ...base, epochs: 2, warmupEpochs: 1, loader: { ...base.loader, batchSize: 32 }, optimizer: { ...base.optimizer, lr: 0.3 },
    };
    (await pretrainTeacher(tuned)).dispose();
    const dir = pretrainDirectory(tuned);
    const steps = readMetrics(path.join(dir, 'metrics.jsonl')).filter((r): r is StepRecord => r.type === 'step');
    expect(steps.map((r) => r.step)).to.deep.equal([1, 2, 3, 4]);
    const schedule = cosineSchedule({ lr: 0.3, epochs: 2, stepsPerEpoch: 2, warmupEpochs: 1 });
    expect(steps.map((r) => r.lr)).to.deep.equal([0, 1, 2, 3].map(schedule));
    expect(steps.map((r) => r.lr)[1]).to.equal(0.3);
    expect(readJson(path.join(dir, 'resolved.json'))).to.deep.include({
      warmupEpochs: 1, loader: { batchSize: 32, augment: tuned.loader.augment }, optimizer: tuned.optimizer,
    });
  });

  it('trains the symmetric loss when its recipe asks for it: the loss of both view orders', async () => {
    const instanceLosses = async (symmetric: boolean) => {
      const options = stageOptions();
      options.instance = { ...options.instance, symmetric };
      (await pretrainTeacher(options)).dispose();
      return stepLosses(new RunDirectory(pretrainDirectory(options)), 'instance');
    };
    const plain = await instanceLosses(false);
    const symmetric = await instanceLosses(true);
    // Step 2, the first with keys in the queue, from the same weights (step 1's loss is a zero
    // without gradient): the two view orders of mirrored views score alike, so the sum of both is
    // about twice the plain loss (measured 2.000). Later steps part ways as the recipes differ.
    expect(symmetric[1] / plain[1], `symmetric ${symmetric[1]}, plain ${plain[1]}`).to.be.within(1.9, 2.1);
  });
});

describe('final evaluation', function () {
  this.timeout(60_000);
  before(async () => { await initBackend('wasm'); });

  it('writes eval.json, marks the run finished and rebuilds the report', async () => {
    const run = tempRun({ name: 'evaluated' });
    const { student } = await tinyTrain({ run, objective: { supervised: { weight: 1 } }, lr: 0.05 });
    const lines: string[] = [];
    const results = await evaluate({
      run, encoder: student, data, seed: 0,
      linear: { epochs: 20, lr: 0.1, batchSize: 16, weightDecay: 0 },
      knn: { k: 5, temperature: 0.07 },
      collapse: { neighbours: 5 },
      augment: [{ op: 'horizontal_flip' }],
      // The student as its own teacher: the teacher's kNN must equal the student's.
      teacher: student,
      log: (text) => lines.push(text),
    });
    expect(results.teacher!.knn).to.deep.equal(results.knn);
    expect(lines).to.include(`teacher kNN top-1 ${(100 * results.knn!.top1).toFixed(2)}%`);
    // Supervised features of these well-separated clusters: far above the 25% of chance.
    expect(results.knn!.top1).to.be.greaterThan(0.75);
    expect(results.linear!.top1).to.be.greaterThan(0.75);
    expect(results.collapse!.alignment).to.be.a('number');
    expect(results.collapse!.purity).to.be.within(0, 1);
    expect(run.readEval()).to.deep.equal(JSON.parse(JSON.stringify(results)));
    expect(run.finished).to.equal(true);
    expect(run.status()).to.include({ state: 'finished', step: 12, epoch: 3 });
    const report = fs.readFileSync(run.paths.report, 'utf8');
    expect(report).to.contain('# Run `evaluated`');
    expect(report).to.match(/\| knn\.top1 \| (1|0\.\d{4}) \|/);
    expect(report).to.match(/\| collapse\.effectiveRank \| \d+\.\d{4} \|/);
    expect(report).to.contain('![loss terms over steps](plots/losses.svg)');
    // run-info.json: the session's training and evaluation, on the backend in use, and the weights evaluated.
    const info = readRunInfo(run.paths.runInfo);
    expect(info.evaluation).to.deep.equal({ step: 12, checkpoint: 'checkpoints/latest.ckpt' });
    expect(info.sessions).to.have.length(1);
    const [session] = info.sessions;
    expect(session).to.include({ steps: 12, images: 12 * BATCH });
    expect(session.training_seconds).to.be.above(0).and.at.most(session.wall_seconds);
    expect(session.evaluation_seconds).to.be.above(0);
    expect(session.backend?.kernel_path).to.equal(currentBackend().kernelPath);
    expect(report).to.contain('## How it ran').and.to.contain("the student's weights after step 12");
    expect(report).to.contain(`kernel path ${currentBackend().kernelPath}`);
    expect(fs.readFileSync(run.paths.metricsCsv, 'utf8').split('\n')[0]).to.match(/^type,step,epoch,lr,images_per_second,loss_/);
    expect(lines[0]).to.equal(`final evaluation: ${data.train.count} train and ${data.test.count} test images`);
    expect(lines[1]).to.match(/^kNN top-1 \d+\.\d\d%$/);
    student.dispose();
  });
});
