import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { parseOverride, parseSource } from '../../src/syntax/parse.ts';
import type { AttributeNode, BlockNode } from '../../src/ast/nodes.ts';
import { didYouMean, editDistance, MAX_SUGGESTED_LENGTH } from '../../src/diagnostics/did-you-mean.ts';
import { renderDiagnostics } from '../../src/diagnostics/render.ts';
import { diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { spanAt } from '../../src/diagnostics/span.ts';
import { MAX_NESTING } from '../../src/syntax/nesting.ts';

const members = (text: string) => {
  const parsed = parseSource(`experiment e {\n${text}\n}`, 't.rekd');
  expect(parsed.diagnostics, text).to.deep.equal([]);
  return parsed.value.experiments[0].body.members;
};
const valueOf = (text: string) => (members(`x = ${text}`)[0] as AttributeNode).value;

describe('syntax', () => {
  it('reads every kind of value', () => {
    expect(valueOf('5e-4')).to.include({ type: 'number', value: 5e-4 });
    expect(valueOf('-3')).to.include({ type: 'number', value: -3 });
    expect(valueOf('"a\\"b\\u0041\\n"')).to.include({ type: 'string', value: 'a"bA\n' });
    expect(valueOf('true')).to.include({ type: 'bool', value: true });
    expect(valueOf('none')).to.include({ type: 'none' });
    expect(valueOf('tensorflow-gpu')).to.include({ type: 'identifier', value: 'tensorflow-gpu' });
    expect(valueOf('0.3 .. 1.0')).to.include({ type: 'range', low: 0.3, high: 1 });
    expect(valueOf('1..2')).to.include({ type: 'range', low: 1, high: 2 });
    const list = valueOf('[1, alexnet, [2],]');
    expect(list.type === 'list' && list.items.map((i) => i.type)).to.deep.equal(['number', 'identifier', 'list']);
  });

  it('separates members by newlines or commas, and skips both comment forms', () => {
    const m = members('a = 1, b = 2 // line\n/* block\n comment */ c { d = 3 }, teacher resnet18 {}');
    expect(m.map((x) => [x.type, x.name.text, x.type === 'block' ? x.kind?.text ?? null : null])).to.deep.equal([
      ['attribute', 'a', null], ['attribute', 'b', null], ['block', 'c', null], ['block', 'teacher', 'resnet18'],
    ]);
  });

  it('keeps identifiers that start with a keyword', () => {
    expect(valueOf('nonexistent')).to.include({ type: 'identifier', value: 'nonexistent' });
    expect(members('imports = 1, gridsize = 2').map((x) => x.name.text)).to.deep.equal(['imports', 'gridsize']);
  });

  it('gives every node a span with its exact text, line and column', () => {
    const text = 'experiment e {\n  loss {\n    relation rekd { temperature = 0.1 }\n  }\n}';
    const loss = parseSource(text, 's.rekd').value.experiments[0].body.members[0] as BlockNode;
    const relation = loss.body.members[0] as BlockNode;
    const temperature = relation.body.members[0] as AttributeNode;
    expect(text.slice(relation.span.start, relation.span.end)).to.equal('relation rekd { temperature = 0.1 }');
    expect(relation.kind!.span).to.include({ line: 3, column: 14 });
    expect(text.slice(temperature.value.span.start, temperature.value.span.end)).to.equal('0.1');
    expect(temperature.value.span).to.include({ file: 's.rekd', line: 3, column: 35 });
  });

  it('reports every syntax error of a file in one parse', () => {
    const parsed = parseSource('experiment a {\n  x = \n  y = ]\n  z { w = 1 ]\n}\nexperiment { }\n', 'r.rekd');
    // The ']' on line 4 leaves 'z' unclosed: reported at 'z' (RK0105), not where the parser
    // noticed it (at 'experiment' on line 6). The value missing after `x =` is reported there.
    expect(parsed.diagnostics.map((d) => [d.code, d.span!.line, d.span!.column])).to.deep.equal([
      ['RK0102', 2, 6], ['RK0102', 3, 7], ['RK0102', 4, 13], ['RK0102', 6, 12], ['RK0105', 4, 3],
    ]);
  });

  it('parses grids with zip and overrides with the same value grammar', () => {
    const grid = parseSource('grid g of e {\n a.b = [1, 2]\n zip { c = [x], d = [y] }\n}', 'g.rekd').value.grids[0];
    expect(grid.items.map((i) => i.type)).to.deep.equal(['axis', 'zip']);
    const override = parseOverride('loss.relation.temperature = 0.5', '<--set 1>');
    expect(override.diagnostics).to.deep.equal([]);
    expect(override.value!.path.text).to.equal('loss.relation.temperature');
    expect(override.value!.value).to.include({ type: 'number', value: 0.5 });
    expect(parseOverride('seed', '<--set 1>').diagnostics.map((d) => d.code)).to.deep.equal(['RK0102']);
    // The shell ate the quotes of a path: one error saying how to quote it, not one per '/'.
    const unquoted = parseOverride('teacher.checkpoint=/runs/t-1/latest.ckpt', '<--set 1>');
    expect(unquoted.value).to.equal(null);
    expect(unquoted.diagnostics.map((d) => [d.code, d.message, d.span?.column, d.suggestion])).to.deep.equal([
      ['RK0101', "'/runs/t-1/latest.ckpt' is not a value: a string is written in double quotes", 20, 'teacher.checkpoint="/runs/t-1/latest.ckpt"'],
    ]);
    expect(parseOverride('teacher.checkpoint="/runs/t.ckpt"', '<--set 1>').diagnostics).to.deep.equal([]);
  });

  it('counts \\n, \\r\\n and a lone \\r as one line break each, in the syntax tree and in spanAt alike', () => {
    const text = 'experiment e {\r  a = 1\r\n  b = 2\n\r  c = @\r}';
    const parsed = parseSource(text, 'n.rekd');
    const [a, b] = parsed.value.experiments[0].body.members;
    expect([a.span.line, a.span.column, b.span.line, b.span.column]).to.deep.equal([2, 3, 3, 3]);
    const unexpected = parsed.diagnostics.find((d) => d.code === 'RK0101')!;
    expect(unexpected.span).to.include({ line: 5, column: 7 });
    for (const span of [a.span, b.span, unexpected.span!]) {
      expect(spanAt('n.rekd', text, span.start, span.end)).to.deep.equal({ ...span, file: 'n.rekd' });
    }
    const rendered = renderDiagnostics([unexpected], new Map([['n.rekd', text]]), { summary: false });
    expect(rendered.split('\n').slice(2)).to.deep.equal(['5 |   c = @', '  |       ^']);
  });

  it('keeps a span at the end of the file inside the text', () => {
    for (const text of ['', 'experiment a {', 'experiment a {\n']) {
      for (const d of parseSource(text, 'e.rekd').diagnostics) {
        expect(d.span!.end, JSON.stringify(text)).to.be.at.most(text.length);
        expect(d.span!.start).to.be.at.most(d.span!.end);
      }
    }
  });

  it('refuses input nested deeper than MAX_NESTING with one located error, and parses it at the limit', () => {
    const deep = (open: string, close: string, levels: number) => `experiment e {\n  x = 1\n}\ngrid g of e {\n  where ${open.repeat(levels)}x == 1${close.repeat(levels)}\n}`;
    // The grid's own brace is one level.
    expect(parseSource(deep('(', ')', MAX_NESTING - 1), 'd.rekd').diagnostics).to.deep.equal([]);
    expect(parseSource(deep('not ', '', MAX_NESTING - 1), 'd.rekd').diagnostics).to.deep.equal([]);
    for (const [open, close] of [['(', ')'], ['not ', ''], ['not (', ')']]) {
      const parsed = parseSource(deep(open, close, 1000), 'd.rekd');
      expect(parsed.diagnostics.map((d) => [d.code, d.span!.line]), open).to.deep.equal([['RK0106', 5]]);
      expect(parsed.value.grids).to.deep.equal([]);
    }
    const braces = parseSource(`experiment e {\n${'a {\n'.repeat(1000)}${'}\n'.repeat(1001)}`, 'b.rekd');
    expect(braces.diagnostics.map((d) => [d.code, d.span!.line, d.span!.column])).to.deep.equal([['RK0106', MAX_NESTING + 1, 3]]);
    expect(parseOverride(`seed = ${'['.repeat(1000)}`, '<--set 1>').diagnostics.map((d) => d.code)).to.deep.equal(['RK0106']);
  });

  it('has a checked-in typed CST that matches the grammar', function () {
    this.timeout(60000);
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'grammar/cst-types.ts', '--check'], { stdio: 'pipe' })).to.not.throw();
  });
});

describe('did you mean', () => {
  it('counts edits, a transposition as one', () => {
    expect(editDistance('temperature', 'temprature')).to.equal(1);
    expect(editDistance('wsam', 'wasm')).to.equal(1);
    expect(editDistance('abc', 'xyz')).to.equal(3);
  });
  it('suggests only plausible typos', () => {
    expect(didYouMean('temprature', ['temperature', 'weight'])).to.equal('temperature');
    expect(didYouMean('zzz', ['temperature', 'weight'])).to.equal(undefined);
  });
  it('prefers, among equally close names, one the typo is missing letters of', () => {
    // `ofline` is one edit from both; it is `offline` with an 'f' left out.
    expect(didYouMean('ofline', ['online', 'offline'])).to.equal('offline');
    expect(didYouMean('onlin', ['offline', 'online'])).to.equal('online');
  });
  it('suggests a name that is a prefix or a substring of the one written, or has it as one', () => {
    expect(didYouMean('evaluate', ['eval', 'loss', 'seed'])).to.equal('eval');
    expect(didYouMean('temp', ['temperature', 'weight'])).to.equal('temperature');
    expect(didYouMean('warmup', ['epochs', 'warmup_epochs'])).to.equal('warmup_epochs');
    // A typo still wins over a prefix; the prefix closest in length over a farther one.
    expect(didYouMean('evla', ['eval', 'evaluation'])).to.equal('eval');
    expect(didYouMean('aug', ['augment_extra', 'augment'])).to.equal('augment');
    // Substrings: `decay` in `weight_decay`; too short a part suggests nothing.
    expect(didYouMean('decay', ['weight_decay', 'momentum'])).to.equal('weight_decay');
    expect(didYouMean('lr_decay', ['weight_decay'])).to.equal(undefined);
    expect(didYouMean('ev', ['eval'])).to.equal(undefined);
    expect(didYouMean('cay', ['weight_decay'])).to.equal(undefined);
  });
  it('gives up on names longer than MAX_SUGGESTED_LENGTH, quickly', () => {
    const name = (length: number) => 'n'.repeat(length - 1);
    expect(didYouMean(`${name(MAX_SUGGESTED_LENGTH)}x`, [`${name(MAX_SUGGESTED_LENGTH)}y`])).to.equal(`${name(MAX_SUGGESTED_LENGTH)}y`);
    expect(didYouMean(`${name(MAX_SUGGESTED_LENGTH + 1)}x`, [`${name(MAX_SUGGESTED_LENGTH + 1)}y`])).to.equal(undefined);
    const start = performance.now();
    expect(didYouMean('t'.repeat(100_000), ['temperature', 't'.repeat(100_001)])).to.equal(undefined);
    expect(didYouMean('temperature', ['t'.repeat(100_000), 'temperatures'])).to.equal('temperatures');
    expect(performance.now() - start).to.be.below(100);
  });
});

describe('rendering', () => {
  const text = 'experiment e {\n  seed = "7"\n}\n';
  const span = { file: 'r.rekd', start: 24, end: 27, line: 2, column: 10 };
  const sources = new Map([['r.rekd', text]]);
  it('prints location, code, source line, carets under the span, notes and help', () => {
    const d = diagnostic('RK0301', 'bad seed', span, { notes: ['why'], suggestion: '7' });
    expect(renderDiagnostics([d], sources)).to.equal([
      'r.rekd:2:10: error[RK0301]: bad seed', '  |', '2 |   seed = "7"', '  |          ^^^', '  = note: why', "  = help: did you mean '7'?",
      '', '1 error',
    ].join('\n'));
  });
  it('caps the count but the summary counts all, and JSON carries the same data', () => {
    const many = Array.from({ length: 5 }, () => diagnostic('RK0508', 'w', span));
    const text5 = renderDiagnostics(many, sources, { max: 2 });
    expect(text5.match(/warning\[RK0508\]/g)!.length).to.equal(2);
    expect(text5).to.contain('... and 3 more').and.to.match(/5 warnings$/);
    const json = JSON.parse(renderDiagnostics(many, sources, { format: 'json' }));
    expect(json.diagnostics[0]).to.deep.equal({ severity: 'warning', code: 'RK0508', message: 'w', span, notes: [] });
    expect(json.summary).to.equal('5 warnings');
  });
});
