/** Golden layouts: each test/format/golden/<name>.input.rekd formats to <name>.expected.rekd, which formats to itself. */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { formatSource } from '../../src/format/index.ts';

const DIR = 'test/format/golden';
const names = readdirSync(DIR).filter((f) => f.endsWith('.input.rekd')).map((f) => f.replace(/\.input\.rekd$/, '')).sort();

const formatted = (text: string, file: string): string => {
  const result = formatSource(text, file);
  if (!result.ok) throw new Error(`${file} does not parse: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.text;
};

describe('formatter golden layouts', () => {
  it('has golden pairs', () => expect(names).to.have.length.greaterThan(2));
  for (const name of names) {
    it(name, () => {
      const input = readFileSync(path.join(DIR, `${name}.input.rekd`), 'utf8');
      const expected = readFileSync(path.join(DIR, `${name}.expected.rekd`), 'utf8');
      expect(formatted(input, name)).to.equal(expected);
      expect(formatted(expected, name)).to.equal(expected);
    });
  }

  it('never reformats a file with syntax errors: it returns their diagnostics', () => {
    const result = formatSource('experiment a {\n  seed = 1 ]\n}\n', 'bad.rekd');
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.diagnostics.map((d) => [d.code, d.span?.line])).to.deep.equal([['RK0102', 2]]);
  });

  it('drops a byte-order mark, turns CRLF into LF and ends with one newline', () => {
    expect(formatted('\uFEFFexperiment a {\r\n  seed=1\r\n}', 'bom.rekd')).to.equal('experiment a {\n  seed = 1\n}\n');
    expect(formatted('', 'empty.rekd')).to.equal('');
    expect(formatted('// only a comment\n\n\n', 'comment.rekd')).to.equal('// only a comment\n');
  });

  it('puts each top-level declaration on its own line, one blank line apart', () => {
    expect(formatted('experiment a { seed = 1 } experiment b extends a {}', 'x.rekd'))
      .to.equal('experiment a { seed = 1 }\n\nexperiment b extends a {}\n');
  });
});
