import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import Ajv2020 from 'ajv/dist/2020.js';
import { compileFile } from '../../src/compiler.ts';
import { experimentJsonSchema, validateResolved, type ResolvedExperiment } from '../../src/schema/index.ts';
import { GENERATED } from '../../src/schema/generate.ts';

describe('schema', () => {
  const quickstart = compileFile('experiments/quickstart.rekd');
  const resolved: ResolvedExperiment[] = [
    ...quickstart.experiments.values(),
    ...compileFile('experiments/moco_baseline.rekd').experiments.values(),
    ...[...quickstart.grids.values()].flatMap((g) => g.cells.map((c) => c.experiment)),
    ...compileFile('test/baselines/clean-examples.rekd').experiments.values(),
  ];

  it('is a valid JSON Schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv2020.default({ strict: true });
    expect(() => ajv.compile(experimentJsonSchema())).to.not.throw();
  });

  it('accepts every resolved example (experiments and grid cells)', () => {
    expect(resolved.length).to.equal(9);
    const fresh = new Ajv2020.default({ strict: true }).compile(experimentJsonSchema());
    for (const e of resolved) {
      expect(validateResolved(e), e.name).to.deep.equal([]);
      expect(fresh(e), e.name).to.equal(true);
    }
  });

  it('rejects experiments that break it', () => {
    const good = resolved[0];
    const bad: Array<[string, unknown]> = [
      ['missing field', { ...good, seed: undefined }],
      ['extra field', { ...good, sed: 1 }],
      ['temperature 0', { ...good, loss: { ...good.loss, relation: { ...good.loss.relation, temperature: 0 } } }],
      ['unknown kind', { ...good, student: { ...good.student, kind: 'vgg' } }],
      ['probability > 1', { ...good, augment: [{ op: 'horizontal_flip', p: 1.5 }] }],
      ['non-integer batch', { ...good, batch_size: 12.5 }],
      ['range of three', { ...good, augment: [{ op: 'gaussian_blur', sigma: [0.1, 1, 2], p: 0.5 }] }],
    ];
    for (const [what, value] of bad) expect(validateResolved(value), what).to.not.deep.equal([]);
  });

  it('checked-in generated types and validator match the catalog (regenerate: npm run schema)', () => {
    for (const { path, generate } of Object.values(GENERATED)) {
      expect(readFileSync(path, 'utf8') === generate(), `${path} is stale`).to.equal(true);
    }
  });
});
