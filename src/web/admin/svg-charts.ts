import { html, type SafeHtml } from '../html.js';
import { consoleTable } from './console-table.js';
import { labelWithIdHtml } from './audit-labels-html.js';

/** One bar or point of a chart: its label (axis and table) and value(s). */
export interface ChartPoint {
  label: string;
  /** A stable id shown small beside the label (e.g. a refusal reason's), for readers who search by id. */
  id?: string;
  values: number[];
}

export interface ChartText {
  /** Names the chart (SVG <title>, the table's caption). */
  title: string;
  /** Says in words what the chart shows (SVG <desc>). */
  description: string;
  /** The table's column headings: the label column, then one per series. */
  columns: string[];
  /** Opens the data table (a <details> summary). */
  tableLabel: string;
}

/** The id a point shows beside its label: none when it has none or its label is the id itself. */
const shownId = (point: { label: string; id?: string }): string | undefined => (point.id !== undefined && point.id !== point.label ? point.id : undefined);

const WIDTH = 400;
const HEIGHT = 180;
const PAD = { left: 48, right: 8, top: 10, bottom: 24 };

const niceMax = (max: number): number => {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s * 4 >= max) ?? 10 * magnitude;
  return step * 4;
};

function frame(text: ChartText, id: string, body: SafeHtml, yMax: number, format: (value: number) => string): SafeHtml {
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 1, 2, 3, 4].map((i) => {
    const y = PAD.top + plotHeight - (plotHeight * i) / 4;
    return html`<line class="chart-grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}"/><text class="chart-axis" x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${format((yMax * i) / 4)}</text>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" preserveAspectRatio="xMidYMid meet"><title id="${id}-title">${text.title}</title><desc id="${id}-desc">${text.description}</desc><g aria-hidden="true">${ticks}${body}</g></svg>`;
}

/** The same numbers as a table, for screen readers, keyboard users and copying. */
function dataTable(text: ChartText, points: ChartPoint[], format: (value: number) => string): SafeHtml {
  const [labelColumn = '', ...valueColumns] = text.columns;
  const name = (p: ChartPoint) => {
    const id = shownId(p);
    return id === undefined ? p.label : labelWithIdHtml(p.label, id);
  };
  const value = (p: ChartPoint, series: number) => {
    const v = p.values[series];
    return v === undefined ? '' : format(v);
  };
  const table = consoleTable({
    caption: text.title,
    columns: [{ label: labelColumn, rowHeader: true, cell: name }, ...valueColumns.map((label, series) => ({ label, cell: (p: ChartPoint) => value(p, series) }))],
    rows: points,
  });
  return html`<details class="chart-data"><summary>${text.tableLabel}</summary>${table}</details>`;
}

const integer = (value: number) => String(Math.round(value));

/**
 * Vertical bars, one group per point, one bar per series (series 0 in the accent colour, series 1 hatched in the
 * warning colour); colours come from CSS (currentColor and custom properties), so the chart follows light and
 * dark mode. Labels are shown under every `labelEvery`-th group.
 */
export function barChart(id: string, text: ChartText, points: ChartPoint[], labelEvery = 1): SafeHtml {
  const series = Math.max(1, ...points.map((p) => p.values.length));
  const yMax = niceMax(Math.max(0, ...points.flatMap((p) => p.values)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const group = plotWidth / Math.max(1, points.length);
  const bar = Math.max(1, (group * 0.8) / series);
  const bars = points.map((p, i) => {
    const x0 = PAD.left + i * group + group * 0.1;
    const rects = p.values.map((v, s) => {
      const h = (plotHeight * v) / yMax;
      return html`<rect class="chart-series-${s}" x="${(x0 + s * bar).toFixed(1)}" y="${(PAD.top + plotHeight - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"/>`;
    });
    const label = i % labelEvery === 0 ? html`<text class="chart-axis" x="${(x0 + (bar * series) / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${p.label}</text>` : '';
    return html`${rects}${label}`;
  });
  return html`<figure class="chart-figure">${frame(text, id, html`${bars}`, yMax, integer)}${dataTable(text, points, integer)}</figure>`;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Horizontal bars with the label and the number in text (a ranking such as refusals by reason). A point with an
 * `id` shows it in a second, smaller line under the label (the full label and id are in the data table). With no
 * point there is nothing to draw: the description (which says so in words) stands in for the chart and its table.
 */
export function rankChart(id: string, text: ChartText, points: Array<{ label: string; id?: string; value: number }>): SafeHtml {
  if (points.length === 0) return html`<p class="chart-empty" id="${id}-empty">${text.description}</p>`;
  const withIds = points.some((p) => shownId(p) !== undefined);
  const rowHeight = withIds ? 36 : 26;
  const labelWidth = 170;
  const height = Math.max(1, points.length) * rowHeight + 8;
  const max = Math.max(1, ...points.map((p) => p.value));
  const rows = points.map((p, i) => {
    const w = ((WIDTH - labelWidth - 50) * p.value) / max;
    const y = 4 + i * rowHeight;
    const mid = y + rowHeight / 2;
    const id = shownId(p);
    const idLine = id === undefined ? '' : html`<text class="chart-axis chart-id" x="${labelWidth - 8}" y="${(mid + 12).toFixed(1)}" text-anchor="end" font-size="9">${clip(id, 30)}</text>`;
    const labelY = withIds ? mid : y + 17;
    return html`<text class="chart-label" x="${labelWidth - 8}" y="${labelY.toFixed(1)}" text-anchor="end">${clip(p.label, 23)}</text>${idLine}<rect class="chart-series-1" x="${labelWidth}" y="${(mid - (26 - 8) / 2).toFixed(1)}" width="${w.toFixed(1)}" height="${26 - 8}"/><text class="chart-label" x="${(labelWidth + w + 6).toFixed(1)}" y="${(mid + 5).toFixed(1)}">${p.value}</text>`;
  });
  return html`<figure class="chart-figure"><svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc"><title id="${id}-title">${text.title}</title><desc id="${id}-desc">${text.description}</desc><g aria-hidden="true">${rows}</g></svg>${dataTable(text, points.map((p) => ({ label: p.label, ...(p.id === undefined ? {} : { id: p.id }), values: [p.value] })), integer)}</figure>`;
}

/** A line of percentages (0–100 %) over time, with the area under it lightly filled. */
export function percentLine(id: string, text: ChartText, points: Array<{ label: string; percent: number }>, labelEvery = 1): SafeHtml {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = plotWidth / Math.max(1, points.length - 1);
  const xy = points.map((p, i) => [PAD.left + i * step, PAD.top + plotHeight - (plotHeight * Math.min(100, Math.max(0, p.percent))) / 100] as const);
  const line = xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = xy.length ? `${PAD.left},${PAD.top + plotHeight} ${line} ${(xy.at(-1)?.[0] ?? PAD.left).toFixed(1)},${PAD.top + plotHeight}` : '';
  const labels = points.map((p, i) => (i % labelEvery === 0 ? html`<text class="chart-axis" x="${(PAD.left + i * step).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${p.label}</text>` : ''));
  const percent = (v: number) => `${Math.round(v)} %`;
  const body = html`<polygon class="chart-area" points="${area}"/><polyline class="chart-line" points="${line}"/>${labels}`;
  return html`<figure class="chart-figure">${frame(text, id, body, 100, percent)}${dataTable(text, points.map((p) => ({ label: p.label, values: [p.percent] })), (v) => `${v.toFixed(1)} %`)}</figure>`;
}
