/** `npm run vsix` packages the VS Code extension from the checkout: manifest, grammar, configuration and the bundled client. */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'chai';

/** The files of a zip by name (stored or deflated, as vsce writes them), found through its central directory. */
function zipEntries(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const directoryEnd = zip.lastIndexOf('PK\x05\x06', undefined, 'latin1');
  let at = zip.readUInt32LE(directoryEnd + 16);
  for (let count = zip.readUInt16LE(directoryEnd + 10); count > 0; count--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('latin1', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

describe('the VS Code extension package', function () {
  this.timeout(180_000);

  it('builds a .vsix holding the manifest, grammar, language configuration, bundled client and the MIT LICENSE', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-vsix-'));
    try {
      const out = path.join(folder, 'rekd.vsix');
      execFileSync(process.execPath, ['editors/vscode/build.mjs', '--out', out], { stdio: 'pipe' });
      const entries = zipEntries(fs.readFileSync(out));
      for (const entry of ['extension/package.json', 'extension/syntaxes/rekd.tmLanguage.json', 'extension/language-configuration.json', 'extension/dist/extension.js']) {
        expect([...entries.keys()]).to.include(entry);
      }
      const license = entries.get('extension/LICENSE.txt')?.toString('utf8');
      expect(license).to.equal(fs.readFileSync('LICENSE', 'utf8')).and.match(/^MIT License/);
      expect(fs.existsSync('editors/vscode/LICENSE'), 'the copy made for packaging is removed').to.equal(false);
      const bundle = fs.readFileSync('editors/vscode/dist/extension.js', 'utf8');
      expect(bundle).to.contain('lsp').and.contain('--stdio');
      expect(bundle).not.to.match(/require\("vscode-languageclient/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('type-checks its client against the VS Code API it declares (@types/vscode), and a type error there fails', () => {
    const tsc = path.join('node_modules', 'typescript', 'bin', 'tsc');
    expect(JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.typecheck).to.contain('editors/vscode/tsconfig.json');
    execFileSync(process.execPath, [tsc, '-p', 'editors/vscode/tsconfig.json', '--noEmit'], { stdio: 'pipe' });
    // The same configuration over a copy of the client with a planted error must fail.
    const folder = fs.mkdtempSync(path.join('editors', 'vscode', '.typecheck-'));
    try {
      fs.mkdirSync(path.join(folder, 'src'));
      const client = fs.readFileSync('editors/vscode/src/extension.ts', 'utf8');
      fs.writeFileSync(path.join(folder, 'src', 'extension.ts'), `${client}\nexport const planted: number = workspace;\n`);
      fs.writeFileSync(path.join(folder, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['src'] }));
      const run = spawnSync(process.execPath, [tsc, '-p', path.join(folder, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
      expect(run.status).to.equal(2);
      expect(run.stdout).to.match(/extension\.ts\(\d+,\d+\): error TS2322: Type 'typeof workspace' is not assignable to type 'number'/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
