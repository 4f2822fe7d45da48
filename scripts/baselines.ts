/**
 * Golden baselines of the checker: every test/baselines/*.rekd is compiled and its rendered
 * diagnostics are written next to it as .expected (`npm run baselines`). The golden test
 * (test/language/golden.test.ts) renders them again and fails on any difference.
 * A fixture's leading `// --set path=value` lines are passed as overrides.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSource, renderDiagnostics } from '../src/compiler.ts';

export const BASELINE_DIR = 'test/baselines';

export function fixtures(): string[] {
  return readdirSync(BASELINE_DIR).filter((f) => f.endsWith('.rekd')).sort().map((f) => path.join(BASELINE_DIR, f));
}

/** The text a fixture's diagnostics render to (paths relative to the repository root). */
export function renderBaseline(file: string): string {
  const text = readFileSync(file, 'utf8');
  const overrides = [...text.matchAll(/^\/\/ --set (.*)$/gm)].map((m) => m[1].trim());
  const result = compileSource(text, file, { overrides });
  return `${renderDiagnostics(result.diagnostics, result.sources, { max: 1000 })}\n`;
}

export const expectedPath = (file: string): string => file.replace(/\.rekd$/, '.expected');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of fixtures()) writeFileSync(expectedPath(file), renderBaseline(file));
  console.log(`wrote ${fixtures().length} baselines in ${BASELINE_DIR}`);
}
