/**
 * `npm run generate`: rewrites generated/ from experiments/ (one type-checked program per
 * experiment; a program that fails its check stops the script) and removes programs whose
 * experiment is gone. A test fails when generated/ is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { programsOf } from '../src/codegen/experiments.ts';
import { checkProgram } from '../src/codegen/index.ts';
import { writeFileAtomic } from '../src/runtime/run/atomic.ts';

const experiments = 'experiments';
const generated = 'generated';

const programs = programsOf(experiments);
for (const [relativePath, program] of programs) {
  const target = path.join(generated, relativePath);
  checkProgram(program, target);
  writeFileAtomic(target, program.text);
  process.stdout.write(`${target}\n`);
}
fs.mkdirSync(generated, { recursive: true });
for (const entry of fs.readdirSync(generated, { recursive: true, withFileTypes: true })) {
  const file = path.join(entry.parentPath, entry.name);
  if (entry.isFile() && !programs.has(path.relative(generated, file))) {
    fs.rmSync(file);
    process.stdout.write(`removed ${file}\n`);
  }
}
