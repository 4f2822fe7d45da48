/**
 * A small line-plot writer for report.md and grid results: axes with round ticks, one line per
 * series with a marker shape of its own at its points (so series stay apart in grey print), and
 * the legend in a column right of the data area, never over it. Type and strokes are sized to stay
 * readable with the figure shown at half its width.
 */

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface LinePlot {
  title: string;
  /** Axis labels, with their units: `training step (batches)`, `kNN top-1 (%)`. */
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** The data area's width and height in px (default 560 by 320); margins and the legend are added around it. */
  width?: number;
  height?: number;
}

/** A rectangle in the SVG's coordinates. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlotLayout {
  /** The whole figure. */
  width: number;
  height: number;
  /** The data area (inside the axes). */
  data: Box;
  /** The legend's box; absent without series. */
  legend?: Box;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const FONT = 15;
const TITLE_FONT = 17;
/** A generous width of one character of the sans-serif font, per px of font size (for layout only). */
const CHAR_WIDTH = 0.62;
const margin = { left: 90, top: 40, bottom: 58, right: 16 };
const LEGEND_GAP = 16;
const LEGEND_ROW = 22;
const LEGEND_SWATCH = 30;
/** Markers per series at most: with more points, every k-th point and the last carry one. */
const MAX_MARKERS = 40;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values (1, 2 or 5 x 10^n apart) from at or below lo to at or above hi. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

/** Where the data area and the legend go: the legend in its own column right of the data. */
export function plotLayout(plot: LinePlot): PlotLayout {
  const data: Box = { x: margin.left, y: margin.top, width: plot.width ?? 560, height: plot.height ?? 320 };
  const longest = Math.max(0, ...plot.series.map((s) => s.name.length));
  const legend: Box | undefined = plot.series.length === 0 ? undefined : {
    x: data.x + data.width + LEGEND_GAP, y: data.y,
    width: LEGEND_SWATCH + 14 + Math.ceil(longest * FONT * CHAR_WIDTH), height: plot.series.length * LEGEND_ROW + 8,
  };
  const right = legend ? legend.x + legend.width : data.x + data.width;
  const titleWidth = Math.ceil(plot.title.length * TITLE_FONT * CHAR_WIDTH) + 2 * margin.right;
  return {
    width: Math.max(right + margin.right, titleWidth),
    height: Math.max(data.y + data.height, legend ? legend.y + legend.height : 0) + margin.bottom,
    data, ...(legend ? { legend } : {}),
  };
}

/** The marker of series `i` centred on (x, y): circle, square, triangle, diamond, then again. */
function marker(i: number, x: number, y: number, colour: string): string {
  const f = (v: number) => v.toFixed(1);
  const r = 4;
  switch (i % 4) {
    case 0: return `<circle cx="${f(x)}" cy="${f(y)}" r="${r}" fill="${colour}"/>`;
    case 1: return `<rect x="${f(x - r)}" y="${f(y - r)}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`;
    case 2: return `<path d="M${f(x)},${f(y - r - 1)}L${f(x + r + 1)},${f(y + r)}L${f(x - r - 1)},${f(y + r)}Z" fill="${colour}"/>`;
    default: return `<path d="M${f(x)},${f(y - r - 1)}L${f(x + r + 1)},${f(y)}L${f(x)},${f(y + r + 1)}L${f(x - r - 1)},${f(y)}Z" fill="${colour}"/>`;
  }
}

/** The indices of the points that carry markers: all of few, else evenly spaced ones and the last. */
export function markedPoints(count: number): number[] {
  const every = Math.ceil(count / MAX_MARKERS);
  const marked = Array.from({ length: Math.ceil(count / every) }, (_, k) => k * every);
  if (count > 0 && marked[marked.length - 1] !== count - 1) marked.push(count - 1);
  return marked;
}

export function linePlot(plot: LinePlot): string {
  const layout = plotLayout(plot);
  const { data, legend } = layout;
  const finite = plot.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  const xTicks = finite.length ? niceTicks(Math.min(...xs), Math.max(...xs)) : [0, 1];
  const yTicks = finite.length ? niceTicks(Math.min(...ys), Math.max(...ys)) : [0, 1];
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const px = (x: number) => data.x + ((x - x0) / (x1 - x0 || 1)) * data.width;
  const py = (y: number) => data.y + data.height - ((y - y0) / (y1 - y0 || 1)) * data.height;
  const f = (v: number) => v.toFixed(1);
  const bottom = data.y + data.height;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="sans-serif" font-size="${FONT}">`,
    `<rect width="${layout.width}" height="${layout.height}" fill="white"/>`,
    `<text x="${layout.width / 2}" y="24" text-anchor="middle" font-size="${TITLE_FONT}" font-weight="bold">${escapeXml(plot.title)}</text>`,
  ];
  for (const t of xTicks) {
    parts.push(`<line x1="${f(px(t))}" y1="${data.y}" x2="${f(px(t))}" y2="${bottom}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${f(px(t))}" y="${bottom + 20}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${data.x}" y1="${f(py(t))}" x2="${data.x + data.width}" y2="${f(py(t))}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${data.x - 8}" y="${f(py(t) + 5)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  parts.push(`<rect class="data-area" x="${data.x}" y="${data.y}" width="${data.width}" height="${data.height}" fill="none" stroke="#444"/>`);
  parts.push(`<text class="x-label" x="${data.x + data.width / 2}" y="${bottom + 46}" text-anchor="middle">${escapeXml(plot.xLabel)}</text>`);
  parts.push(`<text class="y-label" transform="translate(18 ${data.y + data.height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(plot.yLabel)}</text>`);

  const colour = (i: number) => palette[i % palette.length];
  plot.series.forEach((series, i) => {
    const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length > 1) {
      const coords = points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
      parts.push(`<polyline points="${coords}" fill="none" stroke="${colour(i)}" stroke-width="2.5"/>`);
    }
    for (const k of markedPoints(points.length)) parts.push(marker(i, px(points[k][0]), py(points[k][1]), colour(i)));
  });
  if (legend) {
    parts.push(`<rect class="legend" x="${legend.x}" y="${legend.y}" width="${legend.width}" height="${legend.height}" fill="none" stroke="#bbb"/>`);
    plot.series.forEach((series, i) => {
      const y = legend.y + 4 + LEGEND_ROW * i + LEGEND_ROW / 2;
      const x = legend.x + 6;
      parts.push(`<line x1="${x}" y1="${y}" x2="${x + LEGEND_SWATCH - 6}" y2="${y}" stroke="${colour(i)}" stroke-width="2.5"/>`);
      parts.push(marker(i, x + (LEGEND_SWATCH - 6) / 2, y, colour(i)));
      parts.push(`<text x="${x + LEGEND_SWATCH + 2}" y="${y + 5}">${escapeXml(series.name)}</text>`);
    });
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
