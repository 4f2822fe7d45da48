/**
 * `rekdc report <run-dir>`: rebuilds report.md and its plots from a run directory's files; on a
 * grid folder (runs/grids/<grid>), the grid's results.csv, results.md and plots. `rekdc report
 * <file> <grid>` writes the grid's folder from the cells complete so far (run one at a time with
 * `rekdc run`, say) and lists the others.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunError } from '../runtime/run/directory.ts';
import { defineCommand } from './command.ts';
import { FORMAT, overridesOf, SET } from './common-options.ts';
import { compileGrid } from './compiled.ts';
import { printJson, type Format } from './diagnostics-output.ts';

export const report = defineCommand({
  name: 'report',
  operands: '<run-dir|grid-folder> | <file> <grid>',
  count: [1, 2],
  summary: 'rebuild report.md of a run directory, or results.csv, results.md and the gates of a grid folder ' +
    '(<file> <grid>: from the cells complete so far, listing the others)',
  options: { set: SET, format: FORMAT },
  async run({ operands: [target, grid], options }) {
    const format = options.format ?? 'text';
    if (grid !== undefined) return gridFromFile(target, grid, overridesOf(options), format);
    const { readManifest } = await import('../grid/folder.ts');
    if (!fs.existsSync(target)) throw new RunError(`${target} does not exist${gridHint(target)}`);
    if (readManifest(target)) return gridReport(target, format);
    if (!fs.existsSync(path.join(target, 'resolved.json'))) {
      throw new RunError(`${target} is neither a run directory (no resolved.json) nor a grid folder (no grid.json)${gridHint(target)}`);
    }
    const { buildReport } = await import('../runtime/run/report.ts');
    const written = buildReport(target);
    if (format === 'json') printJson({ run_dir: target, report: written });
    else process.stdout.write(`${written}\n`);
    return 0;
  },
});

/** For a path in a `grids` folder: how to get that grid's results when `rekdc grid` did not write them. */
function gridHint(target: string): string {
  const resolved = path.resolve(target);
  if (path.basename(path.dirname(resolved)) !== 'grids') return '';
  return `; a grid's folder is written by rekdc grid, or from the cells run so far by rekdc report <file> ${path.basename(resolved)}`;
}

/** The results of the grid folder `folder` (its grid.json lists the cells), printed; `missing` lists the cells not complete. */
async function gridReport(folder: string, format: Format, missing?: string[]): Promise<number> {
  const { readManifest } = await import('../grid/folder.ts');
  const { writeResults } = await import('../grid/results.ts');
  const manifest = readManifest(folder)!;
  const written = writeResults(folder);
  if (format === 'json') {
    printJson({ grid: manifest.grid, folder, report: written.report, csv: written.csv, gates: written.conditions, ...(missing ? { missing } : {}) });
    return 0;
  }
  const complete = missing ? `${manifest.cells.length - missing.length} of ${manifest.cells.length} cells complete` +
    `${missing.length > 0 ? `; not yet: ${missing.join(', ')} (rekdc grid ${manifest.file} ${manifest.grid} runs them)` : ''}\n` : '';
  process.stdout.write(`${complete}${written.gates.map((line) => `${line}\n`).join('')}${written.report}\n`);
  return 0;
}

/** Compiles `grid` of `file`, writes its folder's grid.json and results from the cells complete so far. */
async function gridFromFile(file: string, name: string, overrides: string[], format: Format): Promise<number> {
  const loaded = compileGrid(file, name, overrides, format);
  if (!loaded) return 1;
  const { gridFolder, manifestOf, writeManifest } = await import('../grid/folder.ts');
  const { runProgress } = await import('../runs/directory.ts');
  const folder = gridFolder(name);
  const manifest = manifestOf(loaded.grid, loaded.source.file);
  writeManifest(folder, manifest);
  const missing = manifest.cells.filter((cell) => runProgress(cell.dir).state !== 'complete').map((cell) => cell.name);
  return gridReport(folder, format, missing);
}
