import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { Rng } from '../../src/runtime/random.ts';
import {
  compressLoss,
  instanceContrast,
  relationContrast,
  seedLoss,
  softRelation,
} from '../../src/runtime/objectives/losses.ts';
import { prototypeLabels, updatePrototypes } from '../../src/runtime/objectives/prototypes.ts';

type Matrix = number[][];
interface Golden {
  instance: { q: Matrix; k: Matrix; queue: Matrix; temperature: number; loss: number }[];
  relation: { q: Matrix; k: Matrix; queue: Matrix; positives: Matrix; temperature: number; loss: number }[];
  soft_relation: { q: Matrix; queue: Matrix; t: Matrix; teacher_queue: Matrix; temperature: number; teacher_temperature: number; loss: number }[];
  seed: { s: Matrix; t: Matrix; teacher_queue: Matrix; student_temperature: number; teacher_temperature: number; loss: number }[];
  compress: { q: Matrix; t: Matrix; student_queue: Matrix; teacher_queue: Matrix; temperature: number; loss: number }[];
  prototype_labels: { t: Matrix; prototypes: Matrix; labels: number[] }[];
  prototype_update: { prototypes: Matrix; t: Matrix; labels: number[]; beta: number; updated: Matrix }[];
}

const golden: Golden = JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8'));
const m = (rows: Matrix): tf.Tensor2D => tf.tensor2d(rows);

function expectClose(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).to.be.at.most(relative * Math.abs(expected));
}

/** Evaluates a loss, returns its value and disposes every tensor it made. */
function value(run: () => tf.Scalar): number {
  return tf.tidy(() => run().dataSync()[0]);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`objective losses: golden vectors (${backend})`, () => {
    before(async () => {
      await initBackend(backend);
    });

    it('instanceContrast matches every case', () => {
      for (const c of golden.instance) {
        expectClose(value(() => instanceContrast(m(c.q), m(c.k), m(c.queue), c.temperature)), c.loss, 1e-4);
      }
    });

    it('relationContrast matches every case', () => {
      for (const c of golden.relation) {
        expectClose(value(() => relationContrast(m(c.q), m(c.k), m(c.queue), m(c.positives), c.temperature)), c.loss, 1e-4);
      }
    });

    it('softRelation matches every case', () => {
      for (const c of golden.soft_relation) {
        const loss = value(() => softRelation(m(c.q), m(c.queue), m(c.t), m(c.teacher_queue), c.temperature, c.teacher_temperature));
        expectClose(loss, c.loss, 1e-4);
      }
    });

    it('seedLoss matches every case', () => {
      for (const c of golden.seed) {
        const loss = value(() => seedLoss(m(c.s), m(c.t), m(c.teacher_queue), c.student_temperature, c.teacher_temperature));
        expectClose(loss, c.loss, 1e-4);
      }
    });

    it('compressLoss matches every case', () => {
      for (const c of golden.compress) {
        expectClose(value(() => compressLoss(m(c.q), m(c.t), m(c.student_queue), m(c.teacher_queue), c.temperature)), c.loss, 1e-4);
      }
    });

    it('prototypeLabels matches every case', () => {
      for (const c of golden.prototype_labels) {
        const labels = tf.tidy(() => Array.from(prototypeLabels(m(c.t), m(c.prototypes)).dataSync()));
        expect(labels).to.deep.equal(c.labels);
      }
    });

    it('updatePrototypes matches every case, element by element', () => {
      for (const c of golden.prototype_update) {
        const updated = tf.tidy(() =>
          updatePrototypes(m(c.prototypes), m(c.t), tf.tensor1d(c.labels, 'int32'), c.beta).arraySync(),
        );
        updated.forEach((row, i) => row.forEach((v, j) => expect(v).to.be.closeTo(c.updated[i][j], 1e-5)));
      }
    });
  });
}

/** Random unit rows (the losses expect normalised embeddings). */
function unitRows(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  const data = new Float32Array(rows * cols).map(() => rng.normal());
  return tf.tidy(() => {
    const x = tf.tensor2d(data, [rows, cols]);
    return tf.div(x, tf.norm(x, 2, 1, true));
  });
}

/** Central finite differences of f at x, element by element. */
function numericGradient(f: (x: tf.Tensor2D) => tf.Scalar, x: tf.Tensor2D, eps: number): Float32Array {
  const base = x.dataSync().slice();
  const grad = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number): number => {
      const shifted = base.slice();
      shifted[i] += delta;
      return tf.tidy(() => f(tf.tensor2d(shifted, x.shape)).dataSync()[0]);
    };
    grad[i] = (at(eps) - at(-eps)) / (2 * eps);
  }
  return grad;
}

describe('objective losses: gradients against finite differences (cpu)', () => {
  const B = 3;
  const K = 4;
  const D = 3;
  let inputs: Record<string, tf.Tensor2D>;
  let positives: tf.Tensor2D;

  before(async () => {
    await initBackend('cpu');
    const rng = new Rng(11);
    inputs = {
      q: unitRows(rng, B, D),
      k: unitRows(rng, B, D),
      queue: unitRows(rng, K, D),
      t: unitRows(rng, B, D),
      teacherQueue: unitRows(rng, K, D),
    };
    positives = tf.tensor2d([[1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 1, 1]]);
  });

  after(() => {
    Object.values(inputs).forEach((x) => x.dispose());
    positives.dispose();
  });

  /** Each loss as a function of a record of its matrix inputs; temperatures moderate so float32 differences stay accurate. */
  const losses: Record<string, { args: string[]; loss: (a: Record<string, tf.Tensor2D>) => tf.Scalar }> = {
    instanceContrast: { args: ['q', 'k', 'queue'], loss: (a) => instanceContrast(a.q, a.k, a.queue, 0.5) },
    relationContrast: { args: ['q', 'k', 'queue'], loss: (a) => relationContrast(a.q, a.k, a.queue, positives, 0.5) },
    softRelation: {
      args: ['q', 'queue', 't', 'teacherQueue'],
      loss: (a) => softRelation(a.q, a.queue, a.t, a.teacherQueue, 0.5, 0.3),
    },
    seedLoss: { args: ['q', 't', 'teacherQueue'], loss: (a) => seedLoss(a.q, a.t, a.teacherQueue, 0.5, 0.3) },
    compressLoss: { args: ['q', 't', 'queue', 'teacherQueue'], loss: (a) => compressLoss(a.q, a.t, a.queue, a.teacherQueue, 0.4) },
  };

  for (const [name, { args, loss }] of Object.entries(losses)) {
    it(`${name}: analytic gradient of every input matches the numeric one`, () => {
      for (const arg of args) {
        const asFunctionOf = (x: tf.Tensor2D): tf.Scalar => loss({ ...inputs, [arg]: x });
        const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => asFunctionOf(x as tf.Tensor2D))(inputs[arg]).dataSync());
        const numeric = numericGradient(asFunctionOf, inputs[arg], 1e-2);
        let largest = 0;
        numeric.forEach((g, i) => {
          largest = Math.max(largest, Math.abs(g));
          expect(analytic[i], `d${name}/d${arg}[${i}]`).to.be.closeTo(g, 2e-3 + 2e-2 * Math.abs(g));
        });
        expect(largest, `d${name}/d${arg} is not identically zero`).to.be.greaterThan(1e-3);
      }
    });
  }
});

describe('objective losses: stability and memory', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('stay finite at tiny temperatures where a naive exp would overflow', () => {
    const rng = new Rng(3);
    tf.tidy(() => {
      const [q, k, queue, t, tq] = [unitRows(rng, 4, 8), unitRows(rng, 4, 8), unitRows(rng, 16, 8), unitRows(rng, 4, 8), unitRows(rng, 16, 8)];
      const positives = tf.cast(tf.greater(tf.randomUniform([4, 16], 0, 1, 'float32', 5), 0.5), 'float32') as tf.Tensor2D;
      const values = [
        instanceContrast(q, k, queue, 0.001),
        relationContrast(q, k, queue, positives, 0.001),
        softRelation(q, queue, t, tq, 0.001, 0.0005),
        seedLoss(q, t, tq, 0.001, 0.0005),
        compressLoss(q, t, queue, tq, 0.001),
      ].map((x) => x.dataSync()[0]);
      values.forEach((v) => expect(Number.isFinite(v), String(v)).to.equal(true));
    });
  });

  it('accept an empty queue (first step): the loss is 0 and still has a gradient path to q', () => {
    const rng = new Rng(4);
    tf.tidy(() => {
      const q = unitRows(rng, 3, 5);
      const t = unitRows(rng, 3, 5);
      const empty = tf.zeros([0, 5]) as tf.Tensor2D;
      const losses = [
        (x: tf.Tensor2D) => instanceContrast(x, q, empty, 0.2),
        (x: tf.Tensor2D) => relationContrast(x, q, empty, tf.zeros([3, 0]) as tf.Tensor2D, 0.2),
        (x: tf.Tensor2D) => softRelation(x, empty, t, empty, 0.2, 0.1),
        (x: tf.Tensor2D) => seedLoss(x, t, empty, 0.2, 0.1),
        (x: tf.Tensor2D) => compressLoss(x, t, empty, empty, 0.2),
      ];
      for (const loss of losses) {
        expect(loss(q).dataSync()[0]).to.be.closeTo(0, 1e-6);
        expect(Array.from(tf.grad((x: tf.Tensor) => loss(x as tf.Tensor2D))(q).dataSync()).every(Number.isFinite)).to.equal(true);
      }
    });
  });

  it('leave no tensors behind besides their result', () => {
    const c = golden.compress[0];
    const args = [m(c.q), m(c.t), m(c.student_queue), m(c.teacher_queue)];
    const before = tf.memory().numTensors;
    const loss = compressLoss(args[0], args[1], args[2], args[3], c.temperature);
    const labels = prototypeLabels(args[1], args[2]);
    expect(tf.memory().numTensors).to.equal(before + 2);
    tf.dispose([loss, labels, ...args]);
  });

  it('name the bad argument when shapes do not fit', () => {
    tf.tidy(() => {
      expect(() => instanceContrast(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([4, 5]), 0.2)).to.throw(/queue must have 3 columns/);
      expect(() => relationContrast(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([4, 3]), tf.zeros([2, 5]), 0.2)).to.throw(
        /positives must have 4 columns/,
      );
      expect(() => seedLoss(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([4, 3]), 0, 0.1)).to.throw(/studentTemperature must be/);
    });
  });
});
