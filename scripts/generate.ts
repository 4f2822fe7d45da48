/**
 * `npm run generate`: rewrites generated/ from experiments/ (one type-checked program per
 * experiment) and removes programs whose experiment is gone. A test fails when generated/ is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { programsOf } from '../src/codegen/experiments.ts';
import { typeCheckProgram } from '../src/codegen/index.ts';
import { writeFileAtomic } from '../src/runtime/run/atomic.ts';

const experiments = 'experiments';
const generated = 'generated';

const programs = programsOf(experiments);
let failed = false;
for (const [relativePath, text] of programs) {
  const target = path.join(generated, relativePath);
  for (const problem of typeCheckProgram(text, target)) {
    process.stderr.write(`${target}:${problem.line}:${problem.column}: ${problem.message}\n`);
    failed = true;
  }
  writeFileAtomic(target, text);
  process.stdout.write(`${target}\n`);
}
for (const entry of fs.readdirSync(generated, { recursive: true, withFileTypes: true })) {
  const file = path.join(entry.parentPath, entry.name);
  if (entry.isFile() && !programs.has(path.relative(generated, file))) {
    fs.rmSync(file);
    process.stdout.write(`removed ${file}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
