// `npm run vsix`: bundles the client (src/extension.ts with vscode-languageclient) into
// dist/extension.js with esbuild, then packages the extension with @vscode/vsce into
// editors/vscode/rekd-<version>.vsix (or the file given by `--out FILE`). The bundle carries the
// dependencies, so vsce packs none.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const flag = process.argv.indexOf('--out');
const out = flag === -1 ? path.join(here, `rekd-${version}.vsix`) : path.resolve(process.argv[flag + 1]);

await build({
  entryPoints: [path.join(here, 'src/extension.ts')], outfile: path.join(here, 'dist/extension.js'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'], minify: true, logLevel: 'warning',
});
const vsce = path.join(path.dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
// The package carries the repository's MIT LICENSE (as the manifest says), copied in for the
// packaging only: the extension folder keeps no second copy of it.
const license = path.join(here, 'LICENSE');
copyFileSync(path.join(here, '../../LICENSE'), license);
try {
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: here, stdio: 'inherit' });
} finally {
  rmSync(license, { force: true });
}
