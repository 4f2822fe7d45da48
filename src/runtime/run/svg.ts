/** A small line-plot writer for report.md: axes with round ticks, one polyline per series, a legend. */

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface LinePlot {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const margin = { left: 64, right: 16, top: 36, bottom: 48 };

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

export function linePlot(plot: LinePlot): string {
  const width = plot.width ?? 640;
  const height = plot.height ?? 360;
  const finite = plot.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  const xTicks = finite.length ? niceTicks(Math.min(...xs), Math.max(...xs)) : [0, 1];
  const yTicks = finite.length ? niceTicks(Math.min(...ys), Math.max(...ys)) : [0, 1];
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const py = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const f = (v: number) => v.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(plot.title)}</text>`,
  ];
  for (const t of xTicks) {
    parts.push(`<line x1="${f(px(t))}" y1="${margin.top}" x2="${f(px(t))}" y2="${margin.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${f(px(t))}" y="${margin.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line x1="${margin.left}" y1="${f(py(t))}" x2="${margin.left + plotW}" y2="${f(py(t))}" stroke="#eee"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(plot.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(plot.yLabel)}</text>`);

  const colour = (i: number) => palette[i % palette.length];
  plot.series.forEach((series, i) => {
    const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length === 1) {
      parts.push(`<circle cx="${f(px(points[0][0]))}" cy="${f(py(points[0][1]))}" r="3" fill="${colour(i)}"/>`);
    } else if (points.length > 1) {
      const coords = points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
      parts.push(`<polyline points="${coords}" fill="none" stroke="${colour(i)}" stroke-width="1.5"/>`);
    }
  });
  // The legend goes last, on a light box, so lines passing under it do not hide it.
  if (plot.series.length > 0) {
    parts.push(`<rect x="${margin.left + plotW - 126}" y="${margin.top + 2}" width="122" height="${plot.series.length * 16 + 4}" fill="white" fill-opacity="0.85"/>`);
  }
  plot.series.forEach((series, i) => {
    const ly = margin.top + 14 + i * 16;
    parts.push(`<line x1="${margin.left + plotW - 120}" y1="${ly - 4}" x2="${margin.left + plotW - 100}" y2="${ly - 4}" stroke="${colour(i)}" stroke-width="2"/>`);
    parts.push(`<text x="${margin.left + plotW - 94}" y="${ly}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
