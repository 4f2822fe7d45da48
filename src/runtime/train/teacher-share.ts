/**
 * Sharing a teacher. `exportTeacher` writes a finished teacher pretrain stage (or a finished run's
 * student) as one teacher file (teacher-file.ts); `importTeacher` places a stage's file in the
 * teacher cache as a finished stage, where every experiment whose pretrain recipe hashes the same
 * finds it and skips training.
 *
 * A stage's hash includes the runtime fingerprint (the hash of rekd's runtime sources), so a
 * teacher trained by any other rekd would never be found. An import therefore files it under its
 * recipe with this runtime's fingerprint: it is used whenever architecture, data and training
 * recipe match, whatever rekd trained it. The fingerprint it was trained with is kept in
 * imported.json (and given back by a later export), and the import warns when the two differ.
 * Stages trained here stay tied to the runtime that trained them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint } from '../checkpoint.ts';
import { runtimeFingerprint } from '../fingerprint.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run/atomic.ts';
import { readJson, RunDirectory, runPaths } from '../run/directory.ts';
import { UserError, type Warn } from '../user-problems.ts';
import type { EvaluationResults } from './evaluate.ts';
import { importRecordFile, PRETRAIN_STAGE, stageDirectory, type ImportRecord } from './pretrain.ts';
import { studentWeightsPrefix } from './state.ts';
import { builtEncoder, readTeacherFile, writeTeacherFile, type TeacherRecord, TEACHER_FILE_FORMAT } from './teacher-file.ts';

/** A directory or file that cannot be exported or imported as a teacher (printed without a stack trace). */
export class TeacherShareError extends UserError {
  override name = 'TeacherShareError';
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The student's weights (`model/student/...`) of a checkpoint; the other tensors are disposed. */
export function studentWeights(file: string): Record<string, tf.Tensor> {
  const { tensors } = loadCheckpoint(file);
  const weights: Record<string, tf.Tensor> = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name.startsWith(`${studentWeightsPrefix}/`)) weights[name] = tensor;
    else tensor.dispose();
  }
  return weights;
}

/** The finished run directory `dir` (a teacher stage or a training run), or an error saying what it lacks. */
function finishedRun(dir: string): { run: RunDirectory; resolved: Record<string, unknown> } {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new TeacherShareError(`${dir} does not exist`);
  if (!stat.isDirectory()) throw new TeacherShareError(`${dir} is not a directory (give a teacher stage runs/teachers/teacher-<hash> or a run directory)`);
  const run = new RunDirectory(dir);
  const resolved = readJson<Record<string, unknown>>(run.paths.resolved);
  if (resolved === undefined || resolved === null || typeof resolved !== 'object') {
    throw new TeacherShareError(`${dir} is not a teacher stage or run directory (it has no resolved.json)`);
  }
  if (resolved.stage !== PRETRAIN_STAGE && (typeof resolved.student !== 'object' || resolved.student === null)) {
    throw new TeacherShareError(`${run.paths.resolved} describes neither a teacher pretrain stage nor an experiment`);
  }
  const status = run.status();
  if (!run.finished) {
    const state = status ? `${status.state} at step ${status.step}` : 'no status.json';
    throw new TeacherShareError(`${dir} has not finished (${state}); a teacher is exported once its training and evaluation are done`);
  }
  if (!fs.statSync(run.paths.latest, { throwIfNoEntry: false })?.isFile()) {
    throw new TeacherShareError(`${dir} has no checkpoints/latest.ckpt (the teacher's weights)`);
  }
  return { run, resolved };
}

export interface ExportResult {
  record: TeacherRecord;
  /** sha256 of the whole file written (to publish beside it). */
  sha256: string;
}

/** Writes the finished teacher stage or run `dir` as the teacher file `file`. */
export async function exportTeacher(dir: string, file: string): Promise<ExportResult> {
  const { run, resolved } = finishedRun(dir);
  const stage = resolved.stage === PRETRAIN_STAGE;
  const imported = stage ? readJson<ImportRecord>(importRecordFile(dir)) : undefined;
  const status = run.status()!;
  const weights = studentWeights(run.paths.latest);
  try {
    if (Object.keys(weights).length === 0) throw new TeacherShareError(`${run.paths.latest} holds no student weights (${studentWeightsPrefix}/...)`);
    const record: TeacherRecord = {
      format: TEACHER_FILE_FORMAT,
      source: stage ? 'pretrain' : 'run',
      name: path.basename(path.resolve(dir)),
      encoder: builtEncoder((stage ? resolved.encoder : resolved.student) as Record<string, unknown>, weights),
      // An imported stage gives back the fingerprint of the rekd that trained it.
      recipe: imported ? { ...resolved, runtime: imported.trainedByRuntime } : resolved,
      eval: run.readEval<EvaluationResults>()!,
      trained: { step: status.step, epoch: status.epoch },
    };
    await writeTeacherFile(file, weights, record);
    return { record, sha256: sha256(fs.readFileSync(file)) };
  } finally {
    tf.dispose(Object.values(weights));
  }
}

export interface ImportResult {
  /** The stage directory it is (or already was) in. */
  dir: string;
  /** `present`: that directory already held this very teacher. */
  state: 'imported' | 'present';
  record: TeacherRecord;
}

/** Whether two sets of named tensors have the same names, shapes and bytes. */
function sameTensors(a: Record<string, tf.Tensor>, b: Record<string, tf.Tensor>): boolean {
  const names = Object.keys(a).sort();
  if (names.join('\n') !== Object.keys(b).sort().join('\n')) return false;
  const bytes = (tensor: tf.Tensor) => {
    const values = tensor.dataSync() as Float32Array | Int32Array;
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  };
  return names.every((name) => tf.util.arraysEqual(a[name].shape, b[name].shape) && bytes(a[name]).equals(bytes(b[name])));
}

/** Places the teacher file `file` as a finished stage in `cacheRoot` (e.g. runs/teachers). */
export function importTeacher(file: string, cacheRoot: string, warn: Warn): ImportResult {
  const { tensors, metadata: record } = readTeacherFile(file);
  try {
    if (record.source !== 'pretrain') {
      throw new TeacherShareError(
        `${file} holds the student of the run ${record.name}, not a teacher pretrain stage, so no recipe finds it in the cache; ` +
          `use it directly: teacher ${String(record.encoder.kind)} { mode = offline, checkpoint = ${JSON.stringify(file)} }`,
      );
    }
    const runtime = runtimeFingerprint();
    const recipe = { ...record.recipe, runtime };
    const dir = stageDirectory(cacheRoot, recipe);
    if (fs.existsSync(dir)) {
      checkSameStage(dir, tensors, file);
      return { dir, state: 'present', record };
    }
    const trainedBy = String(record.recipe.runtime);
    if (trainedBy !== runtime) {
      warn(`${file} was trained by another rekd runtime (fingerprint ${trainedBy.slice(0, 12)}, this one ${runtime.slice(0, 12)}); ` +
        'it is used for every pretrain recipe that matches it in all else (architecture, data, training recipe)');
    }
    // The bytes checked above, read again: the stage keeps them as its checkpoint (verified again when loaded).
    const bytes = fs.readFileSync(file);
    const imported: ImportRecord = { file, sha256: sha256(bytes), trainedByRuntime: trainedBy, importedAt: new Date().toISOString() };
    placeStage(dir, bytes, recipe, record, imported);
    return { dir, state: 'imported', record };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** An existing stage directory for the file's recipe must hold the same finished teacher, else nothing is replaced. */
function checkSameStage(dir: string, tensors: Record<string, tf.Tensor>, file: string): void {
  const run = new RunDirectory(dir);
  const status = run.status();
  const remedy = `remove that directory to import ${file} in its place`;
  if (status?.state !== 'finished' || !run.hasCheckpoint()) {
    throw new TeacherShareError(`${dir} holds an unfinished pretrain of this recipe (${status ? `${status.state} at step ${status.step}` : 'no status.json'}); ${remedy}`);
  }
  const weights = studentWeights(run.paths.latest);
  try {
    if (!sameTensors(weights, tensors)) throw new TeacherShareError(`${dir} already holds a finished teacher of this recipe with other weights; ${remedy}`);
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/**
 * Writes the stage in a temporary folder beside `dir`, then renames it into place, so the cache
 * never holds half an import: resolved.json (the recipe the runtime hashes), the file's bytes as
 * checkpoints/latest.ckpt (weights bit for bit, record included), eval.json, imported.json and a
 * finished status.
 */
function placeStage(dir: string, bytes: Uint8Array, recipe: Record<string, unknown>, record: TeacherRecord, imported: ImportRecord): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const temporary = fs.mkdtempSync(path.join(path.dirname(dir), '.import-'));
  try {
    const paths = runPaths(temporary);
    fs.mkdirSync(paths.checkpoints);
    writeFileAtomic(paths.resolved, JSON.stringify(recipe, null, 2) + '\n');
    writeFileAtomic(paths.latest, bytes);
    writeJsonAtomic(paths.eval, record.eval);
    writeJsonAtomic(importRecordFile(temporary), imported);
    new RunDirectory(temporary).setStatus('finished', record.trained);
    fs.renameSync(temporary, dir);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
