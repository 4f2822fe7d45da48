/**
 * metrics.jsonl: one JSON object per line, appended as training goes. Lines are small and
 * appended whole, so a killed process leaves at most one torn last line, which readers skip.
 */
import * as fs from 'node:fs';
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
   * On resume, drop the records written after the checkpoint being resumed from: the resumed
   * run writes them again, and the curve must not show the lost steps twice.
   */
  truncateAfter(step: number): void {
    const kept = readMetrics(this.file).filter((r) => r.step <= step);
    writeFileAtomic(this.file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }
}

/** The last step line that measured the relation miner (its final state), if any did. */
export function lastMinerWindow(records: readonly MetricRecord[]): StepRecord | undefined {
  return [...records].reverse().find((r): r is StepRecord => r.type === 'step' && r.miner_precision !== undefined);
}

export function readMetrics(file: string): MetricRecord[] {
  if (!fs.existsSync(file)) return [];
  const records: MetricRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as MetricRecord);
    } catch {
      // A torn line from a killed process: the records before it are intact.
    }
  }
  return records;
}
