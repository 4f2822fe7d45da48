/** Run directories: files, metrics, report with SVG plots, progress, interruption and exit codes. */
export { WriteError, writeFileAtomic, writeJsonAtomic } from './atomic.ts';
export { openRunDirectory, RunDirectory, RunError, runPaths } from './directory.ts';
export type { OpenRunOptions, RunPaths, RunState, RunStatus } from './directory.ts';
export { MetricsLog, readMetrics } from './metrics.ts';
export type { EvalRecord, MetricRecord, MinerFields, StepRecord } from './metrics.ts';
export { buildReport } from './report.ts';
export { linePlot } from './svg.ts';
export type { LinePlot, Series } from './svg.ts';
export { Progress } from './progress.ts';
export type { ProgressOptions, ProgressUpdate } from './progress.ts';
export { exitCodes, InterruptedError, runProgram, StopRequest } from './signals.ts';
