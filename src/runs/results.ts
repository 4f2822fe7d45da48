/**
 * What a run leaves for front ends to read: eval.json as written, the metrics records, the
 * relation miner's last measured window and where report.md is. `rekdc run` prints them, a grid
 * tabulates them.
 */
import { RunDirectory } from '../runtime/run/directory.ts';
import { lastMinerWindow, readMetrics, type MetricRecord, type StepRecord } from '../runtime/run/metrics.ts';
import { readRunInfo } from '../runtime/run/run-info.ts';

export interface RunResults {
  dir: string;
  /** eval.json, undefined until the run finished its evaluation. */
  eval: unknown;
  records: MetricRecord[];
  /** The last logged window that measured the relation miner (none without one). */
  miner: StepRecord | undefined;
  report: string;
  /** The run that trained these results, when they were copied from it (runs/reuse.ts). */
  copiedFrom: string | undefined;
}

export function readRunResults(dir: string): RunResults {
  const run = new RunDirectory(dir);
  const records = readMetrics(run.paths.metrics);
  return { dir, eval: run.readEval(), records, miner: lastMinerWindow(records), report: run.paths.report, copiedFrom: readRunInfo(run.paths.runInfo).copied_from };
}
