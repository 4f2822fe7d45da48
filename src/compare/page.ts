/**
 * compare.html: one self-contained page (no network: the Vega runtime and vega-embed are inlined
 * from node_modules) with the runs compared, their final metrics beside the baseline's and the
 * interactive plots. When every plot has rendered the page sets `data-rendered` on <body> (with
 * the count), and `data-render-error` when one failed, so a browser test can tell.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { plain } from '../grid/format.ts';
import type { Chart } from './charts.ts';
import type { MetricsTable } from './final-metrics.ts';
import type { ComparedRun } from './sources.ts';

const require = createRequire(import.meta.url);

/** A library's browser build, beside the file its package exports (the build folders are not exported). */
function browserBuild(pkg: string, file: string): string {
  return fs.readFileSync(path.join(path.dirname(require.resolve(pkg)), file), 'utf8');
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text inside <script>: `</script` and `<!--` would end or confuse the element, so every `<` is escaped. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');
const inlineScript = (code: string): string => `<script>${code.replace(/<\/(script)/gi, '<\\/$1')}</script>`;

const signed = (v: number): string => (v > 0 ? `+${plain(v)}` : plain(v));

/** A row per metric, a column per run (a grid's many metrics read down; its cells scroll across). */
function tableHtml(table: MetricsTable): string {
  const header = `<tr><th>metric</th>${table.rows.map((row, i) =>
    `<th>${escapeHtml(row.label)}${i === table.baseline ? ' <span class="tag">baseline</span>' : ''}</th>`).join('')}</tr>`;
  const lines = table.columns.map((column) => {
    const cells = table.rows.map((row, i) => {
      const value = row.values[column];
      if (value === undefined) return '<td></td>';
      const difference = row.differences[column];
      const delta = i === table.baseline || difference === undefined ? '' : `<div class="delta" title="${difference}">${signed(difference)}</div>`;
      return `<td${i === table.baseline ? ' class="baseline"' : ''} title="${value}">${plain(value)}${delta}</td>`;
    }).join('');
    return `<tr><th scope="row">${escapeHtml(column)}</th>${cells}</tr>`;
  });
  return `<div class="scroll"><table>${header}${lines.join('')}</table></div>`;
}

function chartHtml(chart: Chart): string {
  const body = chart.spec ? `<div class="plot" id="${chart.id}"></div>` : '<p class="none">No run logged this.</p>';
  return `<section><h2>${escapeHtml(chart.title)}</h2><p class="caption">${escapeHtml(chart.caption)}</p>${body}</section>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin: 28px 0 4px; }
.caption, .note { color: #555; margin: 0 0 8px; max-width: 60em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; vertical-align: top; }
th[scope=row] { text-align: left; font-weight: normal; white-space: nowrap; }
td.baseline { background: #f4f6fa; } .scroll { overflow-x: auto; }
.tag { font-size: 11px; background: #dde4f0; border-radius: 3px; padding: 0 4px; }
.delta { font-size: 12px; color: #555; }
code { font-size: 13px; } .none { color: #777; }`;

/** Draws every plot with vega-embed; marks <body> when done, or with the error when one fails. */
const BOOT = `
const charts = JSON.parse(document.getElementById('charts').textContent);
const options = { mode: 'vega', renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
Promise.all(charts.map((c) => vegaEmbed('#' + c.id, c.spec, options))).then(
  () => { document.body.dataset.rendered = String(charts.length); },
  (error) => { document.body.dataset.renderError = String(error); console.error('a plot failed to render:', error); });`;

export interface PageContent {
  runs: readonly ComparedRun[];
  table: MetricsTable;
  charts: readonly Chart[];
  /** When it was made, shown on the page. */
  made: Date;
}

export function comparisonPage({ runs, table, charts, made }: PageContent): string {
  const drawn = charts.filter((c) => c.spec !== undefined).map((c) => ({ id: c.id, spec: c.spec }));
  const runList = runs.map((run, i) => `<li><b>${escapeHtml(run.label)}</b>${i === table.baseline ? ' (baseline)' : ''}: <code>${escapeHtml(run.dir)}</code></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rekd: ${runs.length} runs compared</title>
<style>${STYLE}</style></head>
<body>
<h1>${runs.length} runs compared</h1>
<p class="note">Made by <code>rekdc compare</code> on ${made.toISOString()}.</p>
<ul>${runList}</ul>
<h2>Final metrics</h2>
<p class="caption">A column per run. From each run's eval.json (top-1 and floors as fractions) and the relation miner's last measured window; steps and loss_total from the last logged window. Below each value: its difference to the baseline (value - baseline). Hover a cell for full precision.</p>
${tableHtml(table)}
<p class="note">In the plots, hover a point for its values; click a run in a legend to show it alone (shift-click: several), double-click to show all again.</p>
${charts.map(chartHtml).join('\n')}
<script type="application/json" id="charts">${scriptJson(drawn)}</script>
${inlineScript(browserBuild('vega', 'vega.min.js'))}
${inlineScript(browserBuild('vega-embed', 'vega-embed.min.js'))}
${inlineScript(BOOT)}
</body></html>
`;
}
