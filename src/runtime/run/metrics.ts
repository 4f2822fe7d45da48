/**
 * metrics.jsonl: one JSON object per line, appended as training goes. Lines are small and
 * appended whole, so a killed process leaves at most one torn last line, which readers skip.
 * Any other line that is not a record (edited by hand, damaged on disk) is skipped with a warning.
 */
import * as fs from 'node:fs';
import { type Warn, warnToStderr } from '../user-problems.ts';
import { asWriteError, writeFileAtomic } from './atomic.ts';

/**
 * A relation miner measured against the true classes (objectives/diagnostics.ts MinerAccuracy), each
 * the mean over the window's steps that measured it; absent when none did (no miner, warm-up).
 */
export interface MinerFields {
  miner_precision?: number;
  miner_positives?: number;
  miner_chance?: number;
}

/** Mean loss terms, learning rate and throughput over the steps since the previous line. */
export interface StepRecord extends MinerFields {
  type: 'step';
  /** Optimiser steps completed so far (1-based). */
  step: number;
  /** The epoch being trained (1-based). */
  epoch: number;
  lr: number;
  images_per_second: number;
  /** Every loss term by name, plus `total` (the weighted sum the optimiser minimises). */
  loss: Record<string, number>;
}

/** An evaluation during training, after `epoch` epochs (1-based). */
export interface EvalRecord {
  type: 'eval';
  step: number;
  epoch: number;
  knn_top1: number;
}

export type MetricRecord = StepRecord | EvalRecord;

export class MetricsLog {
  constructor(readonly file: string) {}

  append(record: MetricRecord): void {
    try {
      fs.appendFileSync(this.file, JSON.stringify(record) + '\n');
    } catch (error) {
      throw asWriteError(this.file, error);
    }
  }

  /**
   * On resume, drop the records written after the checkpoint being resumed from (and damaged
   * lines): the resumed run writes them again, and the curve must not show the lost steps twice.
   */
  truncateAfter(step: number): void {
    // Nothing written yet, or not a file (then the first append says so).
    if (!fs.statSync(this.file, { throwIfNoEntry: false })?.isFile()) return;
    const kept = readMetrics(this.file).filter((r) => r.step <= step);
    writeFileAtomic(this.file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}

/** The last step line that measured the relation miner (its final state), if any did. */
export function lastMinerWindow(records: readonly MetricRecord[]): StepRecord | undefined {
  return [...records].reverse().find((r): r is StepRecord => r.type === 'step' && r.miner_precision !== undefined);
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

/** Whether a parsed line has the fields readers use (reports, plots, resume). */
function isRecord(value: unknown): value is MetricRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (!isNumber(record.step) || !isNumber(record.epoch)) return false;
  if (record.type === 'eval') return isNumber(record.knn_top1);
  const loss = record.loss;
  return record.type === 'step' && isNumber(record.lr) && isNumber(record.images_per_second) &&
    loss !== null && typeof loss === 'object' && Object.values(loss).every(isNumber);
}

/** The records of `file`; damaged lines are skipped with one warning naming the first. */
export function readMetrics(file: string, warn: Warn = warnToStderr): MetricRecord[] {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const records: MetricRecord[] = [];
  const damaged: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      // The last line without its newline is torn by a killed process: expected, not damage.
      if (index === lines.length - 1) return;
    }
    if (isRecord(record)) records.push(record);
    else damaged.push(index + 1);
  });
  if (damaged.length > 0) {
    const more = damaged.length > 1 ? ` (and ${damaged.length - 1} more)` : '';
    warn(`${file}: line ${damaged[0]}${more} is not a metrics record; skipped`);
  }
  return records;
}
