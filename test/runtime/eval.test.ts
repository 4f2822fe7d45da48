import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import { topAccuracy } from '../../src/runtime/eval/accuracy.ts';
import { alignment, collapseMetrics, effectiveRank, semanticPurity, uniformity } from '../../src/runtime/eval/collapse.ts';
import { symmetricEigenvalues } from '../../src/runtime/eval/eigen.ts';
import { extractFeatures, type Matrix } from '../../src/runtime/eval/features.ts';
import { knnAccuracy } from '../../src/runtime/eval/knn.ts';
import { linearProbe, probeLossAndGradients } from '../../src/runtime/eval/linear.ts';
import { nearestNeighbours } from '../../src/runtime/eval/neighbours.ts';
import { expectRejection } from './rejection.ts';

function matrix(rows: number[][]): Matrix {
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

/** Labelled samples around well-separated class centres (class c: 4 on axis c, small noise). */
function clusters(rng: Rng, count: number, classes: number, dims: number, noise = 0.3): { x: Matrix; y: number[] } {
  const y = Array.from({ length: count }, (_, i) => i % classes);
  const x = y.map((c) => Array.from({ length: dims }, (_, d) => (d === c ? 4 : 0) + noise * rng.normal()));
  return { x: matrix(x), y };
}

function gaussian(rng: Rng, count: number, dims: number): Matrix {
  return matrix(Array.from({ length: count }, () => Array.from({ length: dims }, () => rng.normal())));
}

const randomLabels = (rng: Rng, count: number, classes: number): number[] => Array.from({ length: count }, () => rng.int(classes));

describe('evaluation: accuracy helpers', () => {
  it('topAccuracy ranks classes by score, ties to the lower index', () => {
    const scores = [
      [0.1, 0.7, 0.2], // label 1: top-1
      [0.5, 0.5, 0.0], // tie: class 0 first, label 1 second
      [0.6, 0.3, 0.1], // label 2: third
    ].flat();
    const { top1, top5 } = topAccuracy(scores, Int32Array.from([1, 1, 2]), 3);
    expect(top1).to.be.closeTo(1 / 3, 1e-12);
    expect(top5).to.equal(1);
  });
});

describe('evaluation: linear probe and kNN on hand-made features', function () {
  this.timeout(30000);
  before(async () => {
    await initBackend('wasm');
  });

  it('separable classes: 100% top-1 for both', async () => {
    const rng = new Rng(1);
    const train = clusters(rng, 300, 6, 8);
    const test = clusters(rng, 120, 6, 8);
    const linear = await linearProbe(train.x, train.y, test.x, test.y, { epochs: 5, batchSize: 64 });
    const knn = await knnAccuracy(train.x, train.y, test.x, test.y);
    expect(linear.top1).to.equal(1);
    expect(linear.top5).to.equal(1);
    expect(linear.trainLoss).to.be.below(0.1);
    const decayed = await linearProbe(train.x, train.y, test.x, test.y, { epochs: 5, batchSize: 64, weightDecay: 0.5 });
    expect(decayed.trainLoss, 'weight decay keeps the weights small').to.be.above(2 * linear.trainLoss);
    expect(knn.top1).to.equal(1);
    expect(knn.k).to.equal(20);
  });

  it('separable classes with a quarter of the test labels changed: exactly 75%', async () => {
    const rng = new Rng(2);
    const train = clusters(rng, 300, 4, 6);
    const test = clusters(rng, 100, 4, 6);
    const wrong = test.y.map((c, i) => (i % 4 === 0 ? (c + 1) % 4 : c));
    expect((await linearProbe(train.x, train.y, test.x, wrong, { epochs: 5, batchSize: 64 })).top1).to.equal(0.75);
    expect((await knnAccuracy(train.x, train.y, test.x, wrong)).top1).to.equal(0.75);
  });

  it('labels independent of the features: near chance (1/4 top-1, 5/10 top-5)', async () => {
    const rng = new Rng(3);
    const trainX = gaussian(rng, 600, 8);
    const testX = gaussian(rng, 800, 8);
    const four = { train: randomLabels(rng, 600, 4), test: randomLabels(rng, 800, 4) };
    const linear = await linearProbe(trainX, four.train, testX, four.test, { epochs: 3, batchSize: 128 });
    const knn = await knnAccuracy(trainX, four.train, testX, four.test);
    // 800 test rows: the standard error of a chance accuracy of 0.25 is 0.015.
    expect(linear.top1).to.be.within(0.19, 0.31);
    expect(knn.top1).to.be.within(0.19, 0.31);
    const ten = { train: randomLabels(rng, 600, 10), test: randomLabels(rng, 800, 10) };
    expect((await knnAccuracy(trainX, ten.train, testX, ten.test)).top5).to.be.within(0.44, 0.56);
  });

  it('accept tensors as well as plain matrices, with the same result and no leaked tensors', async () => {
    const rng = new Rng(4);
    const train = clusters(rng, 80, 3, 5, 1.5);
    const test = clusters(rng, 40, 3, 5, 1.5);
    const asTensor = (m: Matrix): tf.Tensor2D => tf.tensor2d(m.data, [m.rows, m.cols]);
    const [trainT, testT] = [asTensor(train.x), asTensor(test.x)];
    const before = tf.memory().numTensors;
    const fromTensors = await knnAccuracy(trainT, train.y, testT, test.y, { k: 5 });
    const probeTensors = await linearProbe(trainT, train.y, testT, test.y, { epochs: 2, batchSize: 16 });
    expect(tf.memory().numTensors).to.equal(before);
    expect(fromTensors).to.deep.equal(await knnAccuracy(train.x, train.y, test.x, test.y, { k: 5 }));
    expect(probeTensors).to.deep.equal(await linearProbe(train.x, train.y, test.x, test.y, { epochs: 2, batchSize: 16 }));
    tf.dispose([trainT, testT]);
  });

  it('probe gradients in closed form equal the autodiff ones', () => {
    const rng = new Rng(6);
    tf.tidy(() => {
      const x = tf.tensor2d(gaussian(rng, 5, 4).data, [5, 4]);
      const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2, 0], 'int32'), 3);
      const weights = tf.variable(tf.tensor2d(gaussian(rng, 4, 3).data, [4, 3]));
      const bias = tf.variable(tf.tensor1d([0.1, -0.2, 0.3]));
      const { loss, grads } = probeLossAndGradients(x, y, weights, bias);
      const reference = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, weights), bias)) as tf.Scalar, [weights, bias]);
      expect(loss.dataSync()[0]).to.be.closeTo(reference.value.dataSync()[0], 1e-6);
      for (const [mine, theirs] of [[grads.weights, reference.grads[weights.name]], [grads.bias, reference.grads[bias.name]]]) {
        Array.from(theirs.dataSync()).forEach((g, i) => expect(mine.dataSync()[i]).to.be.closeTo(g, 1e-6));
      }
      tf.dispose([weights, bias]);
    });
  });

  it('weights neighbours by exp(similarity / temperature)', async () => {
    // Test point (1, 0): one class-0 neighbour at similarity 1, two class-1 neighbours at 0.6.
    const train = matrix([[1, 0], [0.6, 0.8], [0.6, -0.8]]);
    const test = matrix([[1, 0]]);
    // exp(1/0.07) > 2 exp(0.6/0.07): class 0 wins at the default temperature...
    expect((await knnAccuracy(train, [0, 1, 1], test, [0], { k: 3 })).top1).to.equal(1);
    // ...while at temperature 1, 2 exp(0.6) > exp(1) and class 1 wins.
    expect((await knnAccuracy(train, [0, 1, 1], test, [0], { k: 3, temperature: 1 })).top1).to.equal(0);
  });

  it('rejects labels that do not match the features', async () => {
    const x = matrix([[1, 0], [0, 1]]);
    await expectRejection(knnAccuracy(x, [0], x, [0, 1]), /knn train set: 1 labels for 2 feature rows/);
    await expectRejection(linearProbe(x, [0, 1], matrix([[1, 0, 0]]), [0]), /linear probe: train features have 2 columns, test features 3/);
  });
});

describe('evaluation: nearest neighbours and feature extraction', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('finds cosine neighbours, most similar first, and can leave each row out of its own list', async () => {
    const x = matrix([[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]);
    const within = await nearestNeighbours(x, x, 2, true);
    expect(Array.from(within.indices)).to.deep.equal([1, 2, 0, 2, 1, 0, 2, 1]);
    expect(within.similarities[0]).to.be.closeTo(0.8, 1e-6);
    const withSelf = await nearestNeighbours(x, x, 1);
    expect(Array.from(withSelf.indices)).to.deep.equal([0, 1, 2, 3]);
  });

  it('extractFeatures runs the forward function batch by batch and gathers every row in order', async () => {
    const images = tf.tensor4d(Float32Array.from({ length: 10 * 2 * 2 }, (_, i) => i), [10, 2, 2, 1]);
    const forward = (batch: tf.Tensor): tf.Tensor2D => tf.reshape(tf.mul(batch, 2), [batch.shape[0], 4]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const features = await extractFeatures(forward, images, 3);
    expect(tf.memory().numTensors).to.equal(before);
    expect([features.rows, features.cols]).to.deep.equal([10, 4]);
    expect(Array.from(features.data)).to.deep.equal(Array.from({ length: 40 }, (_, i) => 2 * i));
    await expectRejection(extractFeatures(() => tf.zeros([1, 4]) as tf.Tensor2D, images, 3), /forward must return \[3, features\]/);
    // The same rows made batch by batch: the same features, and the batch tensors are disposed.
    const values = images.dataSync();
    const rows = { rows: 10, batch: (start: number, size: number) => tf.tensor4d(values.subarray(start * 4, (start + size) * 4), [size, 2, 2, 1]) };
    expect(await extractFeatures(forward, rows, 3)).to.deep.equal(features);
    expect(tf.memory().numTensors).to.equal(before);
    images.dispose();
  });
});

describe('evaluation: collapse metrics', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('symmetricEigenvalues recovers the spectrum of Q diag(λ) Q^T', () => {
    const n = 12;
    const rng = new Rng(8);
    const lambda = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i * 0.7 - 3)); // repeated zeros, negatives
    // Q: a product of two Householder reflections (orthogonal, dense).
    const reflect = (u: number[]) => {
      const norm = Math.hypot(...u);
      return (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / (norm * norm);
    };
    const h1 = reflect(Array.from({ length: n }, () => rng.normal()));
    const h2 = reflect(Array.from({ length: n }, () => rng.normal()));
    const q = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += h1(i, k) * h2(k, j);
      return s;
    }));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += q[i][k] * lambda[k] * q[j][k];
    const eigenvalues = Array.from(symmetricEigenvalues(a, n));
    const expected = lambda.slice().sort((x, y) => x - y);
    eigenvalues.forEach((v, i) => expect(v).to.be.closeTo(expected[i], 1e-9));
    expect(Array.from(symmetricEigenvalues([5], 1))).to.deep.equal([5]);
  });

  it('effective rank: ~1 for features varying along one direction, d for isotropic ones, 2 for two equal directions', () => {
    const rng = new Rng(9);
    const direction = Array.from({ length: 16 }, () => rng.normal());
    const collapsed = matrix(Array.from({ length: 200 }, () => {
      const s = rng.normal();
      return direction.map((d) => s * d + 1e-4 * rng.normal());
    }));
    expect(effectiveRank(collapsed)).to.be.within(1, 1.01);
    // 4000 samples of a 16-d standard normal: sample eigenvalues within a few % of 1.
    expect(effectiveRank(gaussian(rng, 4000, 16))).to.be.within(15.5, 16);
    // Rows ±e1 and ±e2 in equal numbers: covariance diag(2/3·…) with two equal eigenvalues.
    expect(effectiveRank(matrix([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]]))).to.be.closeTo(2, 1e-9);
    expect(effectiveRank(matrix([[1, 2], [1, 2], [1, 2]]))).to.equal(0);
  });

  it('alignment: 0 for identical views, 4 for opposite ones', () => {
    const x = matrix([[3, 0], [0, 2]]);
    expect(alignment(x, x)).to.be.closeTo(0, 1e-7);
    expect(alignment(x, matrix([[-1, 0], [0, -5]]))).to.be.closeTo(4, 1e-6);
  });

  it('uniformity: 0 when collapsed, -8 for two antipodal points, about -4 + 8/d uniform on the sphere', () => {
    expect(uniformity(matrix([[1, 1], [2, 2], [3, 3]]))).to.be.closeTo(0, 1e-6);
    expect(uniformity(matrix([[1, 0], [-1, 0]]))).to.be.closeTo(-8, 1e-4); // float32 exp(-8)
    // Normalised Gaussian rows are uniform on S^63; x·y ~ N(0, 1/64), E exp(4 x·y - 4) ≈ exp(-4 + 8/64).
    expect(uniformity(gaussian(new Rng(10), 1500, 64))).to.be.closeTo(-4 + 8 / 64, 0.05);
  });

  it('semantic purity: 1 for separable classes, about 1/C for random labels', async () => {
    const rng = new Rng(11);
    const separable = clusters(rng, 200, 4, 6);
    expect(await semanticPurity(separable.x, separable.y)).to.equal(1);
    const x = gaussian(rng, 800, 6);
    expect(await semanticPurity(x, randomLabels(rng, 800, 4))).to.be.within(0.22, 0.28);
  });

  it('collapseMetrics gathers all four (alignment only with a second view)', async () => {
    const rng = new Rng(12);
    const { x, y } = clusters(rng, 100, 4, 6);
    const metrics = await collapseMetrics(x, y, { neighbours: 10 });
    expect(metrics.alignment).to.equal(null);
    expect(metrics.purity).to.equal(1);
    expect(metrics.neighbours).to.equal(10);
    expect(metrics.effectiveRank).to.be.closeTo(effectiveRank(x), 1e-12);
    expect(metrics.uniformity).to.be.closeTo(uniformity(x), 1e-12);
    expect((await collapseMetrics(x, y, { secondView: x })).alignment).to.be.closeTo(0, 1e-6);
    const few = await collapseMetrics(matrix([[1, 0], [0.9, 0.1], [0, 1]]), [0, 0, 1]);
    expect(few.neighbours, 'capped at the other samples').to.equal(2);
    expect(few.purity).to.be.closeTo(1 / 3, 1e-12); // class-0 rows: 1 of 2 neighbours shares the class; the class-1 row: 0
  });
});

describe('evaluation: the stop check between batches', function () {
  this.timeout(30000);
  before(async () => {
    await initBackend('wasm');
  });

  /** A stop check counting its calls, which throws on call `stopAt` (never without one). */
  function countingCheck(stopAt?: number): (() => Promise<void>) & { calls: number } {
    const check = Object.assign(async () => {
      check.calls += 1;
      if (check.calls === stopAt) throw new Error(`stopped at call ${stopAt}`);
    }, { calls: 0 });
    return check;
  }

  it('runs after every batch and changes no figure', async () => {
    const rng = new Rng(5);
    // 100 training rows in batches of 16: 7 probe batches per epoch; 1100 test rows: 3 kNN chunks of 512.
    const train = clusters(rng, 100, 3, 6, 1.5);
    const test = clusters(rng, 1100, 3, 6, 1.5);
    const options = { epochs: 3, batchSize: 16 };
    const probeChecks = countingCheck();
    expect(await linearProbe(train.x, train.y, test.x, test.y, options, probeChecks)).to.deep.equal(await linearProbe(train.x, train.y, test.x, test.y, options));
    expect(probeChecks.calls).to.equal(3 * 7);
    const knnChecks = countingCheck();
    expect(await knnAccuracy(train.x, train.y, test.x, test.y, {}, knnChecks)).to.deep.equal(await knnAccuracy(train.x, train.y, test.x, test.y));
    expect(knnChecks.calls).to.equal(3);
    const collapseChecks = countingCheck();
    expect(await collapseMetrics(test.x, test.y, {}, collapseChecks)).to.deep.equal(await collapseMetrics(test.x, test.y));
    // Between the metrics (twice), then after each of semantic purity's 3 neighbour chunks.
    expect(collapseChecks.calls).to.equal(2 + 3);
  });

  it('stops the computation where it throws, leaking no tensor', async () => {
    const rng = new Rng(6);
    const train = clusters(rng, 100, 3, 6, 1.5);
    const test = clusters(rng, 1100, 3, 6, 1.5);
    const images = tf.tensor4d(Float32Array.from({ length: 10 * 4 }, (_, i) => i), [10, 2, 2, 1]);
    const forward = (batch: tf.Tensor): tf.Tensor2D => tf.reshape(batch, [batch.shape[0], 4]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const stops: Array<[string, (check: () => Promise<void>) => Promise<unknown>]> = [
      ['linear probe', (check) => linearProbe(train.x, train.y, test.x, test.y, { epochs: 3, batchSize: 16 }, check)],
      ['kNN', (check) => knnAccuracy(train.x, train.y, test.x, test.y, {}, check)],
      ['collapse', (check) => collapseMetrics(test.x, test.y, {}, check)],
      ['features', (check) => extractFeatures(forward, images, 3, check)],
    ];
    for (const [what, run] of stops) {
      const check = countingCheck(2);
      await expectRejection(run(check), 'stopped at call 2');
      expect(check.calls, `${what}: nothing ran after the stop`).to.equal(2);
      expect(tf.memory().numTensors, what).to.equal(before);
    }
    images.dispose();
  });
});
