import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { compileSource, type CompileResult } from '../../src/compiler.ts';
import { diagnosticProblems } from './diagnostic-problems.ts';

const EXAMPLES = ['experiments/quickstart.rekd', 'experiments/moco_baseline.rekd', 'test/baselines/clean-examples.rekd'];
const texts = new Map(EXAMPLES.map((f) => [f, readFileSync(f, 'utf8')]));
const FRAGMENTS = ['{', '}', '=', '..', '[', ']', ',', '"', '/*', '*/', '//', '\n', 'none', 'teacher', 'loss', 'experiment',
  'grid', 'extends', 'import', 'zip', '-1', '0', '1e9', '0.5', 'alexnet', 'temperature', '"x"', '\\', '@', 'relation', 'student = none'];

/** One edit at a relative position: delete, insert a fragment, or duplicate a slice. */
const edit = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 12 }),
  fragment: fc.constantFrom(...FRAGMENTS),
});

function mutate(text: string, edits: Array<{ kind: string; at: number; length: number; fragment: string }>): string {
  let out = text;
  for (const e of edits) {
    const i = Math.floor(e.at * out.length);
    if (e.kind === 'delete') out = out.slice(0, i) + out.slice(i + e.length);
    else if (e.kind === 'insert') out = out.slice(0, i) + e.fragment + out.slice(i);
    else out = out.slice(0, i) + out.slice(i, i + e.length) + out.slice(i);
  }
  return out;
}

/** Every diagnostic is sound (see diagnosticProblems), and a clean mutated file still declares something. */
function assertValidSpans(result: CompileResult): void {
  expect(diagnosticProblems(result)).to.deep.equal([]);
  if (result.ok) expect(result.experiments.size + result.grids.size).to.be.greaterThan(0);
}

describe('property: mutated example files never throw and give valid spans', function () {
  this.timeout(60000);
  for (const file of EXAMPLES) {
    it(file, () => {
      const dir = path.dirname(path.resolve(file));
      // Imports resolve to the unmutated files, read from disk once.
      const readFile = (p: string) => (path.dirname(p) === dir ? texts.get(path.relative(process.cwd(), p)) : undefined);
      fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const mutated = mutate(texts.get(file)!, edits);
        assertValidSpans(compileSource(mutated, file, { readFile }));
      }), { numRuns: 800, seed: Number(process.env.REKD_PROPERTY_SEED ?? 20261127) });
    });
  }

  it('--set overrides built from path and value fragments', () => {
    const segment = fc.constantFrom('loss', 'relation', 'temperature', 'teacher', 'student', 'augment', 'horizontal_flip', 'p', 'seed', 'x', '');
    const value = fc.constantFrom('0.5', '-1', 'none', 'alexnet', 'resnet', '"s"', '[1]', '1 .. 2', 'true', '', '=', '{');
    const override = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), value).map(([path, v]) => `${path.join('.')}=${v}`);
    fc.assert(fc.property(fc.array(override, { minLength: 1, maxLength: 3 }), (overrides) => {
      assertValidSpans(compileSource(texts.get(EXAMPLES[0])!, EXAMPLES[0], { overrides }));
    }), { numRuns: 300, seed: Number(process.env.REKD_PROPERTY_SEED ?? 20261127) });
  });
});
