/**
 * A compile from the previous result (`previous`, as the language server compiles after each
 * edit) gives exactly what a compile from scratch gives, over chains of random edits of the
 * example files and of the 2,000-line benchmark file, and it does reuse what an edit left alone.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { compiledProgram, compileSource, type CompileOptions, type CompileResult } from '../../src/compiler.ts';
import { generateRekdFile } from '../../bench/parse.ts';

const FILES = ['experiments/paper.rekd', 'experiments/quickstart.rekd', 'experiments/moco_baseline.rekd', 'experiments/search.rekd', 'experiments/ablations.rekd'];
const texts = new Map(FILES.map((f) => [f, readFileSync(f, 'utf8')]));
/** What a person types, and what glues onto or cuts off the text around it (names, comments, strings, braces, lines). */
const FRAGMENTS = ['x', '1', ' ', '\n', '\r\n', '}', '{', '//', '/*', '*/', '"', '=', 'seed = 3\n', 'experiment', 'experiment b {}\n',
  'extends paper', 'none', 'student = alexnet\n', 'import "quickstart.rekd"\n', 'grid h of e0 {\n  seed = [1, 2]\n}\n', '\uFEFF'];

const edit = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'replace'),
  /** Where: a relative place in the text, or next to the start of a line (where declarations begin). */
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  atLineStart: fc.boolean(),
  length: fc.integer({ min: 1, max: 8 }),
  fragment: fc.constantFrom(...FRAGMENTS),
});
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(text: string, e: Edit): string {
  let i = Math.floor(e.at * text.length);
  if (e.atLineStart) i = text.lastIndexOf('\n', i) + 1;
  if (e.kind === 'delete') return text.slice(0, i) + text.slice(i + e.length);
  if (e.kind === 'insert') return text.slice(0, i) + e.fragment + text.slice(i);
  return text.slice(0, i) + e.fragment + text.slice(i + e.length);
}

/** Compiles every version of a chain of edits from the previous result, checking each against a compile from scratch. */
function expectSameAlongEdits(file: string, start: string, edits: Edit[], options: CompileOptions = {}): void {
  let text = start;
  let previous = compileSource(text, file, options);
  for (const e of edits) {
    text = applyEdit(text, e);
    const incremental = compileSource(text, file, { ...options, previous });
    const fresh = compileSource(text, file, options);
    expect(incremental).to.deep.equal(fresh);
    expect(compiledProgram(incremental)).to.deep.equal(compiledProgram(fresh));
    previous = incremental;
  }
}

const SEED = Number(process.env.REKD_PROPERTY_SEED ?? 20261206);

describe('compiling from the previous result', function () {
  this.timeout(300_000);

  for (const file of FILES) {
    it(`gives what a compile from scratch gives along random edits of ${file}`, () => {
      fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => expectSameAlongEdits(file, texts.get(file)!, edits)),
        { numRuns: 25, seed: SEED });
    });
  }

  it('gives what a compile from scratch gives along random edits of the 2,000-line benchmark file', () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => expectSameAlongEdits('bench.rekd', generateRekdFile(), edits)),
      { numRuns: 5, seed: SEED });
  });

  it('gives what a compile from scratch gives where an edit glues onto a kept declaration or moves a place a message names', () => {
    const text = generateRekdFile(200);
    const next = text.indexOf('experiment e1');
    const after = text.indexOf('experiment e2');
    // e1's embed mismatch (RK0501) names the line of the teacher's embed in a note.
    const named = text.slice(0, next) + text.slice(next, after).replace(/relation rekd \{[^}]*\}/, 'relation seed { weight = 1.0 }').replace(/(student[^}]*embed = )128/, '$164') + text.slice(after);
    expect(compileSource(named, 'bench.rekd').diagnostics.map((d) => d.code)).to.include('RK0501');
    const cases: Array<[string, string]> = [
      [text, text.slice(0, next - 1) + text.slice(next)], // the comment above e1 now runs on into it
      [text, `${text.slice(0, next)}// c${text.slice(next)}`],
      [text, `${text.slice(0, next)}x${text.slice(next)}`],
      [text, `${text.slice(0, next - 1)} /* open${text.slice(next - 1)}`],
      [text, `${text.slice(0, next - 1)} "open${text.slice(next - 1)}`],
      [text, text.replace('seed = 1\n', 'seed = 1\r\n')],
      [named, named.replace('seed = 0', 'seed = 0\n\n')],
      [named, named.replace('seed = 0', 'seed = 10')],
    ];
    for (const [before, edited] of cases) {
      const previous = compileSource(before, 'bench.rekd');
      expect(compileSource(edited, 'bench.rekd', { previous })).to.deep.equal(compileSource(edited, 'bench.rekd'));
    }
  });

  it('follows an edit of an imported file', () => {
    const importer = texts.get('experiments/moco_baseline.rekd')!;
    const quickstart = path.resolve('experiments/quickstart.rekd');
    let imported = texts.get('experiments/quickstart.rekd')!;
    const readFile = (p: string) => (p === quickstart ? imported : readFileSync(p, 'utf8'));
    const previous = compileSource(importer, 'experiments/moco_baseline.rekd', { readFile });
    imported = imported.replace('seed    = 7', 'seed    = -7');
    const incremental = compileSource(importer, 'experiments/moco_baseline.rekd', { readFile, previous });
    const fresh = compileSource(importer, 'experiments/moco_baseline.rekd', { readFile });
    expect(fresh.ok).to.equal(false);
    expect(incremental).to.deep.equal(fresh);
  });

  it('keeps the experiments and syntax an edit left alone', () => {
    const text = generateRekdFile();
    const previous = compileSource(text, 'bench.rekd');
    const edited = text.replace('seed = 0', 'seed = 10');
    const result: CompileResult = compileSource(edited, 'bench.rekd', { previous });
    // e0 holds the edit and is compiled again; e1 is only moved (its spans shift by one character).
    expect(result.experiments.get('e0')).not.to.equal(previous.experiments.get('e0'));
    expect(result.experiments.get('e0')!.seed).to.equal(10);
    expect(result.experiments.get('e1')).to.equal(previous.experiments.get('e1'));
    const [before, after] = [previous, result].map((r) => compiledProgram(r)!.files[0].experiments[1]);
    expect(after).not.to.equal(before);
    expect(after.span.start).to.equal(before.span.start + 1);
    // An edit at the end leaves every earlier declaration the very same object.
    const appended = compileSource(`${text}\n// the end\n`, 'bench.rekd', { previous });
    expect(compiledProgram(appended)!.files[0].experiments[5]).to.equal(compiledProgram(previous)!.files[0].experiments[5]);
  });
});
