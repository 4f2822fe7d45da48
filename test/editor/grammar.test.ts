/** The VS Code grammar tokenises every experiments/*.rekd as its golden scope file says (`npm run grammar-scopes` rewrites them). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { experimentFiles, scopesPath, tokenise } from '../../scripts/grammar-scopes.ts';

describe('the VS Code grammar', () => {
  for (const file of experimentFiles()) {
    it(`tokenises experiments/${file} as test/editor/scopes says`, async () => {
      const actual = await tokenise(readFileSync(path.join('experiments', file), 'utf8'));
      expect(actual).to.equal(readFileSync(scopesPath(file), 'utf8'));
    });
  }

  it('gives keywords, block names, kinds, attributes, ranges, numbers and comments their scopes', async () => {
    const tokens = await tokenise('experiment a extends b {\n  student alexnet { width = 0.5 }  // c\n  scale = 0.3 .. 1\n  teacher = none\n}\n');
    for (const expected of ['"experiment" keyword.declaration.experiment.rekd', '"b" entity.other.inherited-class.rekd',
      '"student" entity.name.tag.block.rekd', '"alexnet" support.class.kind.rekd', '"width" variable.other.property.rekd',
      '"0.5" constant.numeric.rekd', '"// c" comment.line.double-slash.rekd', '".." keyword.operator.range.rekd', '"none" constant.language.rekd']) {
      expect(tokens).to.contain(expected);
    }
  });
});
