import { expect } from 'chai';
import { guardInputs, UnknownInput } from '../../src/check/inputs.ts';

describe('rule inputs of an experiment with errors', () => {
  const experiment = {
    seed: 1,
    schedule: { epochs: 3, warmup_epochs: 1 },
    augment: [{ op: 'crop', scale: [0.2, 1] }, { op: 'color_jitter', hue: 0.1 }],
  };

  it('reads valid values through, and throws on a value in error or under one', () => {
    const guarded = guardInputs(experiment, new Set(['schedule.epochs', 'augment.color_jitter']));
    expect(guarded.seed).to.equal(1);
    expect(guarded.schedule.warmup_epochs).to.equal(1);
    expect(() => guarded.schedule.epochs).to.throw(UnknownInput, 'schedule.epochs');
    expect(guarded.augment[0].scale).to.deep.equal([0.2, 1]);
    expect(guarded.augment.length).to.equal(2);
    expect(() => guarded.augment.map((op) => op.op)).to.throw(UnknownInput, 'augment.color_jitter');
    expect(() => guardInputs(experiment, new Set(['schedule'])).schedule).to.throw(UnknownInput);
  });

  it('leaves the experiment as it is when nothing is in error', () => {
    expect(guardInputs(experiment, new Set()).schedule.epochs).to.equal(3);
  });
});
