/**
 * Writes grammar/cst.d.ts, the typed CST of the parser, with @chevrotain/cst-dts-gen.
 * Run by `npm run grammar`; test/language/grammar.test.ts fails when the checked-in file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateCstDts } from '@chevrotain/cst-dts-gen';

process.env.REKD_CHEVROTAIN = 'package';
const { rekdParser } = await import('./parser.ts');

export const CST_DTS_PATH = fileURLToPath(new URL('./cst.d.ts', import.meta.url));

export function generateCstTypes(): string {
  return generateCstDts(rekdParser().getGAstProductions());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CST_DTS_PATH, generateCstTypes());
  console.log(`wrote ${CST_DTS_PATH}`);
}
