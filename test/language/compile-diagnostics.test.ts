import { expect } from 'chai';
import { compileSource } from '../../src/compiler.ts';
import { diagnostic, type Diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { DiagnosticSink } from '../../src/diagnostics/sink.ts';
import { spanAt } from '../../src/diagnostics/span.ts';
import { gridAssignments } from '../../src/tree/grid.ts';
import { GridCellDiagnostics } from '../../src/resolve/grid-cells.ts';
import { parseSource } from '../../src/syntax/parse.ts';

describe('the diagnostic sink', () => {
  it('passes a step\'s diagnostics on at once and knows the step\'s own errors', () => {
    const sink = new DiagnosticSink();
    const step = sink.step();
    sink.report(diagnostic('RK0301', 'before', null));
    step.report(diagnostic('RK0508', 'a warning', null));
    expect(step.hasErrors()).to.equal(false);
    step.report(diagnostic('RK0502', 'an error', null));
    expect(step.hasErrors()).to.equal(true);
    expect(sink.diagnostics.map((d) => d.message)).to.deep.equal(['before', 'a warning', 'an error']);
    expect(step.diagnostics.map((d) => d.message)).to.deep.equal(['a warning', 'an error']);
  });

  it('lists a scope\'s diagnostics after the sink\'s own, scopes in the order they were opened', () => {
    const sink = new DiagnosticSink();
    const first = sink.scope();
    const second = sink.scope();
    second.report(diagnostic('RK0508', 'second', null));
    first.report(diagnostic('RK0508', 'first', null));
    sink.report(diagnostic('RK0508', 'own', null));
    expect(sink.diagnostics.map((d) => d.message)).to.deep.equal(['own', 'first', 'second']);
    expect(first.diagnostics.map((d) => d.message)).to.deep.equal(['first']);
  });
});

describe('the grid-cell policy', () => {
  const text = [
    'experiment base { }',
    'grid g of base {',
    '  seed = [1, 2, 3]',
    '  where seed > 5',
    '}',
  ].join('\n');
  const file = 'cells.rekd';
  const grid = parseSource(text, file).value.grids[0];
  const cells = gridAssignments(grid, new Map());
  const at = (needle: string) => spanAt(file, text, text.indexOf(needle), text.indexOf(needle) + needle.length);
  const run = (feed: (policy: GridCellDiagnostics) => void, base: Diagnostic[] = [], reported: Diagnostic[] = []) => {
    const sink = new DiagnosticSink();
    const policy = new GridCellDiagnostics(grid, [], base, sink.report);
    feed(policy);
    policy.finish(reported);
    return sink.diagnostics;
  };

  it('skips the base\'s own problems and re-anchors the rest at the grid name as RK0804, keeping their severity', () => {
    const ofBase = diagnostic('RK0502', 'relation needs a teacher', at('base'));
    const warning = diagnostic('RK0508', 'the teacher is unused', at('base'), { notes: ['why'] });
    const out = run((policy) => policy.checkedCell(1, cells[1], [ofBase, warning]), [ofBase]);
    expect(out).to.deep.equal([{
      severity: 'warning', code: 'RK0804', message: "cell 1 of grid 'g' (seed = 2): the teacher is unused",
      span: grid.name.span, notes: ['RK0508 at cells.rekd:1:12', 'why'],
    }]);
  });

  it('reports a problem at the grid\'s text once, naming its cells unless every checked cell has it', () => {
    const atAxis = diagnostic('RK0302', 'out of range', at('3]'));
    const everywhere = diagnostic('RK0801', 'unknown path', at('seed ='));
    const out = run((policy) => {
      policy.checkedCell(0, cells[0], [everywhere]);
      policy.checkedCell(2, cells[2], [atAxis, everywhere]);
      policy.droppedCell();
    });
    expect(out.map((d) => [d.code, d.notes])).to.deep.equal([['RK0801', []], ['RK0302', ['in cell 2 (seed = 3)']]]);
  });

  it('warns (RK0807) when the where condition drops every cell, unless the condition has errors of its own', () => {
    const dropAll = (policy: GridCellDiagnostics) => cells.forEach(() => policy.droppedCell());
    expect(run(dropAll).map((d) => [d.code, d.severity, d.message])).to.deep.equal(
      [['RK0807', 'warning', "the where condition drops all 3 cells of grid 'g'"]]);
    expect(run(dropAll, [], [diagnostic('RK0806', 'bad comparison', at('5'))])).to.deep.equal([]);
    expect(run((policy) => { policy.droppedCell(); policy.checkedCell(1, cells[1], []); })).to.deep.equal([]);
  });
});

describe('the compile driver', () => {
  it('keeps the diagnostics of an experiment and a grid that share a name (RK0701) as that name\'s', () => {
    const result = compileSource([
      'experiment twice { seeed = 1 }',
      'grid twice of twice { seed = [1] }',
    ].join('\n'), 'twice.rekd');
    const codes = result.diagnostics.map((d) => d.code);
    expect(codes).to.include('RK0701').and.to.include('RK0201');
    expect(result.origins.get('twice')!.map((d) => d.code)).to.include('RK0201');
  });
});

describe('a UTF-8 byte-order mark', () => {
  const source = 'experiment a {\n  seed = 1\n  batch_size = 64\n}\n';
  const main = 'import "base.rekd"\nexperiment b extends a { seed = 2 }\n';
  const compileWithImport = (base: string) => compileSource(main, '/tmp/bom/main.rekd',
    { readFile: (file) => (file === '/tmp/bom/base.rekd' ? base : undefined) });
  it('is no character of the file: a file, an import and standard input starting with one compile as without', () => {
    const plain = compileSource(source, 'a.rekd');
    const marked = compileSource(`\uFEFF${source}`, 'a.rekd');
    expect(plain.diagnostics.map((d) => d.code)).to.not.include('RK0101');
    expect(marked.diagnostics).to.deep.equal(plain.diagnostics);
    // Spans point into the text without the mark, which is what the diagnostics show.
    expect(marked.sources.get('a.rekd')).to.equal(source);
    const imported = compileWithImport(`\uFEFF${source}`);
    expect(imported.diagnostics).to.deep.equal(compileWithImport(source).diagnostics);
    expect(imported.diagnostics.map((d) => d.code)).to.not.include('RK0101');
  });
  it('anywhere else is still an unexpected character', () => {
    const codes = compileSource(`experiment a {\n  \uFEFFseed = 1\n}\n`, 'inside.rekd').diagnostics.map((d) => d.code);
    expect(codes).to.include('RK0101');
  });
});
