import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { expectedPath, fixtures, renderBaseline } from '../../scripts/baselines.ts';
import { CODES } from '../../src/diagnostics/codes.ts';
import { EXPERIMENT_RULES, FILE_RULES, PROGRAM_RULES, TREE_RULES } from '../../src/check/rules.ts';

describe('golden diagnostics (test/baselines, regenerate with `npm run baselines`)', () => {
  for (const file of fixtures()) {
    it(file, () => {
      expect(renderBaseline(file)).to.equal(readFileSync(expectedPath(file), 'utf8'));
    });
  }

  it('cover every code that input can trigger, each with a line and column', () => {
    const all = fixtures().map((f) => readFileSync(expectedPath(f), 'utf8')).join('\n');
    const reachable = Object.keys(CODES).filter((code) => code !== 'RK0001' && code !== 'RK0002');
    const missing = reachable.filter((code) => !new RegExp(`:\\d+:\\d+: (error|warning|note)\\[${code}\\]`).test(all));
    expect(missing).to.deep.equal([]);
  });

  it('name every rule code in the code table, once per rule', () => {
    const ruleCodes = [...PROGRAM_RULES, ...FILE_RULES, ...TREE_RULES, ...EXPERIMENT_RULES].map((r) => r.code);
    expect(new Set(ruleCodes).size).to.equal(ruleCodes.length);
    for (const code of ruleCodes) expect(CODES, code).to.have.property(code);
  });
});
