/**
 * run-info.json: how a run was made, beside what it measured. One entry per session (a process
 * that opened the run directory: the first start and each resume) with its wall time, time in the
 * training loop, images trained, backend, kernel path and threads, the machine and the rekd build;
 * and which weights the final evaluation used. Training and evaluation update their session's
 * entry as they go (atomically), so an interrupted session still counts.
 */
import * as path from 'node:path';
import { currentBackend } from '../backend.ts';
import { writeJsonAtomic } from './atomic.ts';
import { readJson, type RunDirectory } from './directory.ts';
import { machineInfo, rekdBuild, type MachineInfo, type RekdBuild } from './provenance.ts';

export interface SessionBackend {
  name: string;
  version?: string;
  threads?: number;
  /** `avx512`, `avx2` (the native kernels), `wasm` (XNNPACK without them), else the backend's name. */
  kernel_path: string;
}

/** The backend this process computes on, as a session records it. */
export function sessionBackend(): SessionBackend {
  const backend = currentBackend();
  return { name: backend.name, version: backend.version, threads: backend.threads, kernel_path: backend.kernelPath };
}

export interface SessionInfo {
  /** When the session opened the run directory (ISO 8601): the entry's key. */
  started: string;
  /** From opening the run directory to the session's last update. */
  wall_seconds: number;
  /** In the training loop (steps, kNN checks during training, checkpoints). */
  training_seconds?: number;
  steps?: number;
  images?: number;
  evaluation_seconds?: number;
  backend?: SessionBackend;
  machine: MachineInfo;
  rekd: RekdBuild;
}

export interface EvaluationSource {
  /** The training step of the weights evaluated. */
  step: number;
  /** The checkpoint (relative to the run directory) that holds those weights. */
  checkpoint: string;
}

export interface RunInfo {
  sessions: SessionInfo[];
  evaluation?: EvaluationSource;
  /**
   * The run directory these results were copied from: a finished run of the same settings under
   * another name (runs/reuse.ts). The sessions are that run's.
   */
  copied_from?: string;
}

export type SessionUpdate = Partial<Pick<SessionInfo, 'training_seconds' | 'steps' | 'images' | 'evaluation_seconds' | 'backend'>>;

/** run-info.json of `run`; an empty one when absent or not of this shape (it is rebuilt by the next update). */
export function readRunInfo(file: string): RunInfo {
  let info: RunInfo | undefined;
  try {
    info = readJson<RunInfo>(file);
  } catch {
    return { sessions: [] };
  }
  return info && Array.isArray(info.sessions) ? info : { sessions: [] };
}

/**
 * Adds `update` to this session's entry (training seconds, steps and images add up over the
 * training calls of a session) and sets its wall time; `evaluation` records the weights evaluated.
 */
export function recordSession(run: RunDirectory, update: SessionUpdate, evaluation?: EvaluationSource): void {
  const info = readRunInfo(run.paths.runInfo);
  const started = run.opened.toISOString();
  const before = info.sessions.find((s) => s.started === started);
  const add = (key: 'training_seconds' | 'steps' | 'images' | 'evaluation_seconds') =>
    (update[key] === undefined ? before?.[key] : (before?.[key] ?? 0) + update[key]!);
  const session: SessionInfo = {
    started, wall_seconds: (Date.now() - run.opened.getTime()) / 1000,
    training_seconds: add('training_seconds'), steps: add('steps'), images: add('images'), evaluation_seconds: add('evaluation_seconds'),
    backend: update.backend ?? before?.backend, machine: machineInfo(), rekd: rekdBuild(),
  };
  const sessions = before ? info.sessions.map((s) => (s === before ? session : s)) : [...info.sessions, session];
  writeJsonAtomic(run.paths.runInfo, { ...info, sessions, evaluation: evaluation ?? info.evaluation });
}

export interface RunTotals {
  sessions: number;
  wall_seconds: number;
  training_seconds: number;
  images: number;
  /** Images trained per second in the training loop, over all sessions. */
  images_per_second?: number;
  /** The last session's: the one that finished the run. */
  last?: SessionInfo;
}

export function runTotals(info: RunInfo): RunTotals {
  const sum = (key: 'wall_seconds' | 'training_seconds' | 'images') => info.sessions.reduce((total, s) => total + (s[key] ?? 0), 0);
  const training = sum('training_seconds');
  const images = sum('images');
  return {
    sessions: info.sessions.length, wall_seconds: sum('wall_seconds'), training_seconds: training, images,
    ...(training > 0 ? { images_per_second: images / training } : {}),
    ...(info.sessions.length ? { last: info.sessions[info.sessions.length - 1] } : {}),
  };
}

/** The checkpoint `file` relative to the run directory, as run-info.json names it. */
export const checkpointName = (run: RunDirectory, file: string): string => path.relative(run.dir, file).split(path.sep).join('/');
