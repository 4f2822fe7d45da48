import { expect } from 'chai';
import { Rng } from '../../src/runtime/random.ts';

describe('Rng', () => {
  it('repeats the same stream for the same seed and differs across seeds', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).to.deep.equal(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).to.not.deep.equal(xs);
  });

  it('restores its state exactly', () => {
    const a = new Rng(1);
    a.next();
    const saved = a.getState();
    const first = [a.next(), a.next()];
    a.setState(saved);
    expect([a.next(), a.next()]).to.deep.equal(first);
  });

  it('draws uniforms with the right mean and normals with unit variance', () => {
    const r = new Rng(3);
    let sum = 0, sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += r.next();
    expect(sum / n).to.be.closeTo(0.5, 0.01);
    sum = 0;
    for (let i = 0; i < n; i++) { const z = r.normal(); sum += z; sq += z * z; }
    expect(sum / n).to.be.closeTo(0, 0.03);
    expect(sq / n).to.be.closeTo(1, 0.05);
  });

  it('forks independent named streams deterministically', () => {
    const a = new Rng(5).fork('data'), b = new Rng(5).fork('data'), c = new Rng(5).fork('init');
    expect(a.next()).to.equal(b.next());
    expect(new Rng(5).fork('data').next()).to.not.equal(c.next());
  });
});
