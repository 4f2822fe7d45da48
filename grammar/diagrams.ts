/** Writes grammar/diagrams.html, the syntax diagrams of the grammar (`npm run grammar`). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from './chevrotain.ts';
import { rekdParser } from './parser.ts';

const target = fileURLToPath(new URL('./diagrams.html', import.meta.url));
writeFileSync(target, createSyntaxDiagramsCode(rekdParser().getSerializedGastProductions()));
console.log(`wrote ${target}`);
