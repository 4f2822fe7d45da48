/**
 * `rekdc teacher export|import`: a trained teacher as one file, to share it. `export` writes a
 * finished teacher stage (runs/teachers/teacher-<hash>) or a finished run's student as a teacher
 * file (weights, recipe, evaluation; checked by its SHA-256); `import` places a stage's file in
 * <runs>/teachers/ as a finished stage, where experiments whose pretrain recipe matches find it.
 */
import * as path from 'node:path';
import { defineCommand, type CommandGroup } from './command.ts';
import { RUNS_FOLDER, teachersFolder } from '../runs/folders.ts';

/** Tensors are only read and compared here: the runs' backend does, without its banner line. */
async function quietBackend(): Promise<void> {
  const { initBackend } = await import('../runtime/backend.ts');
  await initBackend('wasm', { log: () => {} });
}

const exportTeacherCommand = defineCommand({
  name: 'teacher export',
  operands: '<stage-or-run-dir>',
  count: [1, 1],
  summary: 'write a finished teacher stage (or a finished run\'s student) as one teacher file and print its sha256',
  options: { out: { kind: 'text', short: 'o', value: 'file', help: 'the teacher file to write (default <folder name>.teacher.ckpt)' } },
  run: ({ operands: [dir], options }) => exportCommand(dir, options.out),
});

const importTeacherCommand = defineCommand({
  name: 'teacher import',
  operands: '<file>',
  count: [1, 1],
  summary: 'place a teacher file in <runs>/teachers/ as a finished stage: experiments whose pretrain recipe matches load it',
  options: { runs: { kind: 'text', value: 'dir', help: `the runs folder whose teachers/ receives it (default ${RUNS_FOLDER})` } },
  run: ({ operands: [file], options }) => importCommand(file, options.runs ?? RUNS_FOLDER),
});

export const teacher: CommandGroup = {
  name: 'teacher',
  summary: 'share a trained teacher as one file (weights, recipe, evaluation, sha256): export a finished teacher stage or run; ' +
    'import one into <runs>/teachers/, where experiments whose pretrain recipe matches find it done',
  subcommands: [exportTeacherCommand, importTeacherCommand],
};

async function exportCommand(dir: string, out: string | undefined): Promise<number> {
  await quietBackend();
  const { exportTeacher } = await import('../runtime/train/teacher-share.ts');
  const { describeEncoder } = await import('../runtime/train/teacher-file.ts');
  const { describeAccuracy } = await import('../runtime/train/teacher.ts');
  const file = out ?? `${path.basename(path.resolve(dir))}.teacher.ckpt`;
  const { record, sha256 } = await exportTeacher(dir, file);
  const what = record.source === 'pretrain' ? `teacher stage ${record.name}` : `the student of run ${record.name}`;
  process.stdout.write(
    `wrote ${file}: ${what}, ${describeEncoder(record.encoder)}, ${record.trained.step} steps, ${describeAccuracy(record.eval)}\n` +
      `sha256 ${sha256}\n`,
  );
  return 0;
}

async function importCommand(file: string, runs: string): Promise<number> {
  await quietBackend();
  const { importTeacher } = await import('../runtime/train/teacher-share.ts');
  const { warnToStderr } = await import('../runtime/user-problems.ts');
  const { dir, state } = importTeacher(file, teachersFolder(runs), warnToStderr);
  process.stdout.write(state === 'present'
    ? `${dir} already holds this teacher; nothing to import\n`
    : `imported ${file} as ${dir}: experiments whose teacher pretrain recipe matches load it instead of training\n`);
  return 0;
}
