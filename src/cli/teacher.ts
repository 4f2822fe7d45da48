/**
 * `rekdc teacher export|import`: a trained teacher as one file, to share it. `export` writes a
 * finished teacher stage (runs/teachers/teacher-<hash>) or a finished run's student as a teacher
 * file (weights, recipe, evaluation; checked by its SHA-256); `import` places a stage's file in
 * <runs>/teachers/ as a finished stage, where experiments whose pretrain recipe matches find it.
 */
import * as path from 'node:path';
import { UsageError, type Args } from './args.ts';
import { RUNS_FOLDER } from './run.ts';

export const TEACHER_USAGE = 'rekdc teacher export <teacher stage | run dir> [-o file] | rekdc teacher import <file> [--runs dir]';

/** Tensors are only read and compared here: the runs' backend does, without its banner line. */
async function quietBackend(): Promise<void> {
  const { initBackend } = await import('../runtime/backend.ts');
  await initBackend('wasm', { log: () => {} });
}

export async function teacher(args: Args): Promise<number> {
  const [action, target, ...extra] = args.positionals;
  if (target === undefined || extra.length) throw new UsageError(`usage: ${TEACHER_USAGE}`);
  if (action === 'export') return exportCommand(target, args.out);
  if (action === 'import') return importCommand(target, args.runs ?? RUNS_FOLDER);
  throw new UsageError(`unknown teacher action '${action}' (export or import)\nusage: ${TEACHER_USAGE}`);
}

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
  const { dir, state } = importTeacher(file, path.join(runs, 'teachers'), warnToStderr);
  process.stdout.write(state === 'present'
    ? `${dir} already holds this teacher; nothing to import\n`
    : `imported ${file} as ${dir}: experiments whose teacher pretrain recipe matches load it instead of training\n`);
  return 0;
}
