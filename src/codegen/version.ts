/** The compiler version named in every generated program's header and hashed into run ids. */
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const compilerVersion: string = manifest.version;
