import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { loadCheckpoint } from '../../src/runtime/checkpoint.ts';
import { prototypeLabels } from '../../src/runtime/objectives/prototypes.ts';
import { readMetrics, type StepRecord } from '../../src/runtime/run/metrics.ts';
import { InterruptedError } from '../../src/runtime/run/signals.ts';
import { splitFeatures } from '../../src/runtime/train/monitor.ts';
import { NonFiniteLossError } from '../../src/runtime/train/step.ts';
import type { TinyOptions } from './train_setup.ts';
import { BATCH, CLASSES, data, instance, relations, tempRun, tinyTrain } from './train_setup.ts';

function stepLosses(run: ReturnType<typeof tempRun>, term: string): number[] {
  return readMetrics(run.paths.metrics).filter((r): r is StepRecord => r.type === 'step').map((r) => r.loss[term]);
}

describe('training loop', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  const objectives: Array<[string, TinyOptions['objective'], TinyOptions['teacher']]> = [
    ['instance moco', { instance }, undefined],
    ['rekd (prototype miner, online teacher)', { instance, relation: relations['rekd prototype'] }, 'online'],
    ['rekd (knn miner)', { relation: { ...relations['rekd prototype'], miner: 'knn' } as never }, 'offline'],
    ['rekd (soft miner)', { relation: { ...relations['rekd prototype'], miner: 'soft' } as never }, 'offline'],
    ['seed', { relation: relations.seed }, 'offline'],
    ['compress', { relation: relations.compress }, 'offline'],
    ['supervised', { supervised: { weight: 1 } }, undefined],
  ];
  for (const [name, objective, teacher] of objectives) {
    it(`lowers the ${name} loss`, async () => {
      const run = tempRun();
      // 4 steps per epoch, one metrics line per epoch; the queue (one batch) is full from step 2.
      await tinyTrain({ run, objective, teacher, epochs: 4, logEvery: 4, lr: 0.05 });
      const totals = stepLosses(run, 'total');
      expect(totals).to.have.length(4);
      expect(totals.every(Number.isFinite)).to.equal(true);
      expect(totals[3], `loss by epoch: ${totals.map((v) => v.toFixed(3)).join(', ')}`).to.be.lessThan(totals[1]);
    });
  }
});
