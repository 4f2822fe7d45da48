/**
 * The interactive plots of a comparison, as Vega specs: loss terms, kNN top-1 and the relation
 * miner over optimiser steps, one line per run. Written in Vega-Lite and compiled here, so that
 * the page carries only the Vega runtime (not the Vega-Lite compiler). Every plot has point
 * markers with their values on hover, a legend that shows or hides a run when clicked (shift-click
 * for several), and the same colour for a run in every plot.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import type { EvalRecord, StepRecord } from '../runtime/run/metrics.ts';
import type { ComparedRun } from './sources.ts';

export interface Chart {
  /** The element id of the plot in the page. */
  id: string;
  title: string;
  /** What is plotted, for the line below the title. */
  caption: string;
  /** The compiled Vega spec; undefined when no run logged what this plot shows. */
  spec: object | undefined;
}

type Row = Record<string, string | number>;

const steps = (run: ComparedRun) => run.records.filter((r): r is StepRecord => r.type === 'step');
const evals = (run: ComparedRun) => run.records.filter((r): r is EvalRecord => r.type === 'eval');

export const lossRows = (runs: readonly ComparedRun[]): Row[] => runs.flatMap((run) => steps(run).flatMap((r) =>
  Object.entries(r.loss).map(([term, value]) => ({ run: run.label, step: r.step, epoch: r.epoch, term, value }))));

export const knnRows = (runs: readonly ComparedRun[]): Row[] => runs.flatMap((run) => evals(run).map((r) =>
  ({ run: run.label, step: r.step, epoch: r.epoch, value: r.knn_top1 })));

export const minerRows = (runs: readonly ComparedRun[]): Row[] => runs.flatMap((run) => steps(run).flatMap((r) =>
  (['miner_precision', 'miner_chance'] as const).flatMap((measure) => (r[measure] === undefined ? []
    : [{ run: run.label, step: r.step, epoch: r.epoch, measure: measure.replace('miner_', ''), value: r[measure]! }]))));

const PANEL = { width: 420, height: 220 };
const STEP_AXIS = { field: 'step', type: 'quantitative', title: 'step (optimiser steps)', axis: { tickMinStep: 1 } } as const;
const SHOWN = 'shown';

/** A line per run with point markers, hover values and legend toggling; `extra` adds encodings, `named` fields to the hover values. */
function lineLayer(runs: readonly ComparedRun[], y: object, extra: object = {}, named: readonly string[] = []): object {
  return {
    params: [{ name: SHOWN, select: { type: 'point', fields: ['run'] }, bind: 'legend' }],
    mark: { type: 'line', point: { size: 36 }, strokeWidth: 1.5 },
    encoding: {
      x: STEP_AXIS,
      y,
      color: { field: 'run', type: 'nominal', scale: { domain: runs.map((r) => r.label) }, legend: { title: 'run', labelLimit: 320 } },
      opacity: { condition: { param: SHOWN, value: 1 }, value: 0.08 },
      tooltip: [
        { field: 'run', type: 'nominal' }, { field: 'step', type: 'quantitative' }, { field: 'epoch', type: 'quantitative' },
        ...named.map((field) => ({ field, type: 'nominal' })),
        { field: 'value', type: 'quantitative', format: '.5~g' },
      ],
      ...extra,
    },
  };
}

const compiled = (spec: TopLevelSpec): object => compile(spec).spec;

function lossChart(runs: readonly ComparedRun[]): Chart {
  const values = lossRows(runs);
  const terms = [...new Set(values.map((r) => r.term))];
  return {
    id: 'losses', title: 'Loss terms',
    caption: 'The mean of each loss term over each logged window; total is the weighted sum the optimiser minimises. One panel per term, each with its own scale.',
    spec: values.length === 0 ? undefined : compiled({
      data: { values },
      facet: { field: 'term', type: 'nominal', title: null, sort: terms },
      columns: 2,
      resolve: { scale: { y: 'independent' } },
      spec: { ...PANEL, ...lineLayer(runs, { field: 'value', type: 'quantitative', title: 'loss (mean over the window)', scale: { zero: false } }, {}, ['term']) },
    } as unknown as TopLevelSpec),
  };
}

/** One panel of a fraction (0 to 1) over steps, a line per run: kNN top-1, the miner's precision. */
function fractionChart(
  runs: readonly ComparedRun[], chart: Omit<Chart, 'spec'>, values: Row[],
  layer: { title: string; extra?: object; named?: readonly string[] },
): Chart {
  return {
    ...chart,
    spec: values.length === 0 ? undefined : compiled({
      data: { values }, ...PANEL,
      ...lineLayer(runs, { field: 'value', type: 'quantitative', title: layer.title, axis: { format: '.0%' } }, layer.extra, layer.named),
    } as unknown as TopLevelSpec),
  };
}

const knnChart = (runs: readonly ComparedRun[]): Chart => fractionChart(runs, {
  id: 'knn', title: 'kNN top-1 during training',
  caption: 'The kNN probe\'s top-1 accuracy on the test images at the end of each evaluated epoch.',
}, knnRows(runs), { title: 'kNN top-1 (fraction of test images)' });

const minerChart = (runs: readonly ComparedRun[]): Chart => fractionChart(runs, {
  id: 'miner', title: 'Relation miner against the classes',
  caption: 'Precision: the fraction of mined positives in the query\'s class (dashed: chance, the fraction of queue slots in it). The class labels are used for this diagnostic only.',
}, minerRows(runs), {
  title: 'fraction',
  extra: {
    strokeDash: { field: 'measure', type: 'nominal', sort: ['precision', 'chance'], legend: { title: 'measure' } },
    detail: { field: 'measure', type: 'nominal' },
  },
  named: ['measure'],
});

export function charts(runs: readonly ComparedRun[]): Chart[] {
  return [lossChart(runs), knnChart(runs), minerChart(runs)];
}
