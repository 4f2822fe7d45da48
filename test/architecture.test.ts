/**
 * The layering docs/architecture.md draws, enforced: every relative import in src/ goes from a
 * folder to one its table row allows, and no files import each other in a cycle (type-only
 * imports included: a cycle of types is a cycle of design).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { folderOf, importCycles, importsOf, readLayerTable, sourceFiles, violations } from './architecture.ts';

const table = readLayerTable(fs.readFileSync('docs/architecture.md', 'utf8'));
const files = sourceFiles(path.resolve('src'));
const imports = files.map((file) => ({ file, targets: importsOf(file, fs.readFileSync(file, 'utf8')) }));

describe('architecture', () => {
  it('the table names every folder of src/ and only those', () => {
    const folders = [...new Set(files.map((file) => folderOf(path.resolve('src'), file)))].sort();
    expect([...table.keys()].sort()).to.deep.equal(folders);
  });

  it('no import runs against the table', () => {
    expect(violations(path.resolve('src'), imports, table)).to.deep.equal([]);
  });

  it('no files import each other in a cycle', () => {
    expect(importCycles(imports).map((cycle) => cycle.map((file) => path.relative('src', file)))).to.deep.equal([]);
  });

  it('finds an arrow added back up, and a cycle', () => {
    const root = path.resolve('src');
    const at = (name: string) => path.join(root, name);
    const planted = [
      { file: at('grid/local.ts'), targets: [at('cli/run.ts')] },
      { file: at('cli/run.ts'), targets: [at('grid/local.ts')] },
    ];
    expect(violations(root, planted, table)).to.deep.equal([`grid/local.ts imports cli/run.ts (grid may import ${table.get('grid')!.join(', ')})`]);
    expect(importCycles(planted).map((cycle) => cycle.map((file) => path.relative(root, file)).sort())).to.deep.equal([['cli/run.ts', 'grid/local.ts']]);
  });

  it('reads static, re-exported, type-only and dynamic imports, and skips packages', () => {
    const file = path.resolve('src/cli/x.ts');
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../runs/b.ts';",
      "export { c } from '../grid/c.ts';",
      "const d = await import('../runtime/d.ts');",
      "import * as fs from 'node:fs';",
      "import {\n  e,\n} from '../compiler.ts';",
    ].join('\n');
    expect(importsOf(file, text).map((target) => path.relative(path.resolve('src'), target))).to.deep.equal([
      'cli/a.ts', 'runs/b.ts', 'grid/c.ts', 'compiler.ts', 'runtime/d.ts',
    ]);
  });
});
