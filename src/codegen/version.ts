/** The compiler version named in every generated program's header and hashed into run ids. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in this package's package.json, the nearest one named `rekd` above this module:
 * from src/codegen/ that is two folders up, from the cached start-up bundle of the CLI
 * (node_modules/.cache/rekd/cli-*, start-cache.mjs) four.
 */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'rekd') return manifest.version;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of rekd above ${fileURLToPath(import.meta.url)}`);
  }
}

export const compilerVersion: string = packageVersion();
