/** `npm run vsix` packages the VS Code extension from the checkout: manifest, grammar, configuration and the bundled client. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';

describe('the VS Code extension package', function () {
  this.timeout(180_000);

  it('builds a .vsix holding the manifest, grammar, language configuration and bundled client', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-vsix-'));
    try {
      const out = path.join(folder, 'rekd.vsix');
      execFileSync(process.execPath, ['editors/vscode/build.mjs', '--out', out], { stdio: 'pipe' });
      // A zip's central directory names its entries in plain text.
      const names = fs.readFileSync(out).toString('latin1');
      for (const entry of ['extension/package.json', 'extension/syntaxes/rekd.tmLanguage.json', 'extension/language-configuration.json', 'extension/dist/extension.js']) {
        expect(names).to.contain(entry);
      }
      const bundle = fs.readFileSync('editors/vscode/dist/extension.js', 'utf8');
      expect(bundle).to.contain('lsp').and.contain('--stdio');
      expect(bundle).not.to.match(/require\("vscode-languageclient/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
