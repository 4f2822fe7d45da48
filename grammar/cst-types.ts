/**
 * Writes grammar/cst.d.ts, the typed CST of the parser, with @chevrotain/cst-dts-gen.
 * Run by `npm run grammar`; test/language/syntax.test.ts fails when the checked-in file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateCstDts } from '@chevrotain/cst-dts-gen';

process.env.REKD_CHEVROTAIN = 'package';
const { rekdParser } = await import('./parser.ts');

export const CST_DTS_PATH = fileURLToPath(new URL('./cst.d.ts', import.meta.url));

export function generateCstTypes(): string {
  return generateCstDts(rekdParser().getGAstProductions());
}

// `--check` exits 1 when the checked-in file differs from what the grammar generates.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const stale = readFileSync(CST_DTS_PATH, 'utf8') !== generateCstTypes();
    console.log(stale ? `${CST_DTS_PATH} is stale: run npm run grammar` : `${CST_DTS_PATH} is up to date`);
    process.exitCode = stale ? 1 : 0;
  } else {
    writeFileSync(CST_DTS_PATH, generateCstTypes());
    console.log(`wrote ${CST_DTS_PATH}`);
  }
}
