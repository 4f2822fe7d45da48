/** `where` conditions: which cells a grid keeps, precedence, and what a path reads in a cell. */
import { expect } from 'chai';
import { compileSource } from '../../src/compiler.ts';
import type { ConditionNode } from '../../src/ast/nodes.ts';
import { pathValues, readPath } from '../../src/resolve/resolved-paths.ts';
import { parseSource } from '../../src/syntax/parse.ts';
import { BASE_EXPERIMENT, compiledGrid } from './fixture.ts';

/** The values of the cells a grid keeps, as `path=value` strings per cell. */
function kept(gridBody: string): string[] {
  return compiledGrid(`${BASE_EXPERIMENT}\ngrid g of base {\n${gridBody}\n}\n`, 'where.rekd', 'g').cells.map((c) => `${c.index}:${Object.values(c.values).join(',')}`);
}

/** A condition as nested calls, `or(not(seed == 1), ...)`, to compare how it was grouped. */
function shape(condition: ConditionNode): string {
  if (condition.type === 'compare') return `${condition.path.text} ${condition.operator}`;
  if (condition.type === 'not') return `not(${shape(condition.operand)})`;
  return `${condition.type}(${condition.operands.map(shape).join(', ')})`;
}

describe('grid where', () => {
  const axes = 'loss.relation.temperature = [0.05, 0.1, 0.2]\n  student = [alexnet, mobilenetv2]';

  it('keeps exactly the cells the condition holds for, with their index in the full product', () => {
    expect(kept(`${axes}\n  where loss.relation.temperature < 0.1 or student == alexnet`))
      .to.deep.equal(['0:0.05,alexnet', '1:0.05,mobilenetv2', '2:0.1,alexnet', '4:0.2,alexnet']);
    expect(kept(`${axes}\n  where loss.relation.temperature >= 0.1 and student != alexnet`)).to.deep.equal(['3:0.1,mobilenetv2', '5:0.2,mobilenetv2']);
  });

  it('binds not tighter than and, and and tighter than or; parentheses regroup', () => {
    // Read as (t == 0.05 and student == alexnet) or t == 0.2.
    expect(kept(`${axes}\n  where loss.relation.temperature == 0.05 and student == alexnet or loss.relation.temperature == 0.2`))
      .to.deep.equal(['0:0.05,alexnet', '4:0.2,alexnet', '5:0.2,mobilenetv2']);
    expect(kept(`${axes}\n  where loss.relation.temperature == 0.05 and (student == alexnet or loss.relation.temperature == 0.2)`))
      .to.deep.equal(['0:0.05,alexnet']);
    expect(kept(`${axes}\n  where not student == alexnet and loss.relation.temperature > 0.05`)).to.deep.equal(['3:0.1,mobilenetv2', '5:0.2,mobilenetv2']);
  });

  it('requires every where line to hold', () => {
    expect(kept(`${axes}\n  where student == mobilenetv2\n  where loss.relation.temperature <= 0.1`)).to.deep.equal(['1:0.05,mobilenetv2', '3:0.1,mobilenetv2']);
  });

  it('drops the cells the experiment rules would reject before they are checked', () => {
    const body = 'teacher = [resnet34, none]\n  loss.relation = [rekd, none]\n  where not (teacher == none and loss.relation != none)';
    expect(kept(body)).to.deep.equal(['0:resnet34,rekd', '1:resnet34,', '3:,']);
    // Without the condition, cell 2 (no teacher, a relation term) is an error naming its values.
    const result = compileSource(`${BASE_EXPERIMENT}\ngrid g of base {\n  teacher = [resnet34, none]\n  loss.relation = [rekd, none]\n}\n`, 'where.rekd');
    const rejected = result.diagnostics.find((d) => d.code === 'RK0502')!;
    expect(rejected.notes).to.include.members(['in cell 2 (teacher = none, loss.relation = rekd)']);
  });

  it('reads resolved values: defaults, kinds of kinded blocks, augment ops by name', () => {
    // The default miner is prototype; the default augment pipeline has no cutout but a horizontal flip.
    expect(kept('seed = [1, 2]\n  where loss.relation.miner == prototype and augment.cutout == none and augment.horizontal_flip.p == 0.5')).to.have.length(2);
    expect(kept('student = [alexnet, mobilenetv3]\n  where student.variant == small')).to.deep.equal(['1:mobilenetv3']);
    expect(kept('seed = [1, 2]\n  where data == synthetic and data.classes == 4 and seed > 1')).to.deep.equal(['1:2']);
  });

  it('reads lists and ranges as written, and an emptied augment pipeline as none', () => {
    expect(kept('augment.random_resized_crop.scale = [0.2 .. 1.0, 0.5 .. 1.0]\n  where augment.random_resized_crop.scale == 0.5 .. 1.0')).to.deep.equal(['1:0.5,1']);
    expect(kept('schedule = [step]\n  schedule.milestones = [[], [1]]\n  where schedule.milestones == [1]')).to.deep.equal(['1:step,1']);
    expect(kept('augment = [none]\n  seed = [1, 2]\n  where augment == none and seed == 2')).to.deep.equal(['1:,2']);
    expect(kept('seed = [1, 2]\n  where augment != none and augment_weak == none')).to.have.length(2);
  });

  it('reads every path with the value a grid plan shows for it', () => {
    const experiment = compileSource(BASE_EXPERIMENT, 'where.rekd').experiments.get('base')!;
    const values = pathValues(experiment);
    expect([...values.keys()]).to.include.members(['student', 'augment.horizontal_flip', 'augment.random_resized_crop.scale', 'teacher.pretrain']);
    for (const [path, value] of values) expect(readPath(experiment, path.split('.')), path).to.deep.equal(value);
  });

  it('warns (RK0807) when the condition drops every cell', () => {
    const result = compileSource(`${BASE_EXPERIMENT}\ngrid g of base {\n  seed = [1, 2]\n  where seed > 2\n}\n`, 'where.rekd');
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code}`)).to.deep.equal(['warning RK0807']);
    expect(result.grids.get('g')!.dropped).to.deep.equal([0, 1]);
  });

  it('reports a misspelt and, or, not once, at the word, with the keyword, and reads the condition as meant', () => {
    const parsed = parseSource('grid g of base {\n  seed = [1, 2]\n  where nto (seed == 1 adn seed == 2) ro\n    seed > 1\n  sue seeds\n}', 'where.rekd');
    expect(parsed.diagnostics.map((d) => [d.code, d.span!.line, d.span!.column, d.suggestion])).to.deep.equal([
      ['RK0102', 3, 9, 'not'], ['RK0102', 3, 24, 'and'], ['RK0102', 3, 39, 'or'], ['RK0102', 5, 3, 'use'],
    ]);
    expect(parsed.diagnostics[1].message).to.equal("'adn' is not a keyword: expected 'and' or 'or' between two conditions of a where");
    const items = parsed.value.grids[0].items;
    expect(items.map((i) => i.type)).to.deep.equal(['axis', 'where', 'use']);
    const where = items[1];
    expect(where.type === 'where' && shape(where.condition)).to.equal('or(not(and(seed ==, seed ==)), seed >)');
    // A name after a condition that starts an axis, or is close to no keyword, is not repaired.
    const axis = parseSource('grid g of base {\n  where seed == 1\n  ro = [1, 2]\n}', 'where.rekd');
    expect(axis.diagnostics).to.deep.equal([]);
    expect(axis.value.grids[0].items.map((i) => i.type)).to.deep.equal(['where', 'axis']);
    const far = parseSource('grid g of base {\n  seed = [1, 2]\n  where seed == 1 plus seed == 2\n}', 'where.rekd');
    expect(far.diagnostics.map((d) => [d.message, d.suggestion])[0]).to.deep.equal(["expected '=', found 'seed'", undefined]);
  });

  it('keeps names that merely start with a keyword as names', () => {
    const result = compileSource(`${BASE_EXPERIMENT}\ngrid g of base {\n  seed = [1]\n  where seed == 1 or notes == 2\n}\n`, 'where.rekd');
    expect(result.diagnostics.map((d) => d.code)).to.deep.equal(['RK0801']);
    expect(result.diagnostics[0].message).to.contain("'notes'");
  });
});
