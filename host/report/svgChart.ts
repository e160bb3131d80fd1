/**
 * Static SVG charts for the HTML report: integer axes with round ticks,
 * line, step, area and marker paths. Pure string building, no script, no
 * clock: equal inputs give equal bytes (coordinates are rounded to 0.1 of a
 * viewBox unit with toFixed, which is deterministic). Allocates.
 *
 * Every chart is an inline <svg> with a fixed viewBox that CSS scales to
 * the page width; labels are text set by the caller, already escaped.
 */
import { escapeHtml } from "./html.ts";

/** The plot box inside the viewBox (units are viewBox units). */
export const FRAME = { width: 640, height: 220, left: 88, right: 30, top: 14, bottom: 30 } as const;
const PLOT_W = FRAME.width - FRAME.left - FRAME.right;
const PLOT_H = FRAME.height - FRAME.top - FRAME.bottom;

/** An integer axis: [min, max] and its tick values, all multiples of one round step. */
export interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
}

/**
 * A round integer step (1, 2 or 5 times a power of ten, at least 1) that
 * cuts [lo, hi] into the number of parts closest to `target`, and the axis
 * it gives (ties go to the finer step). The domain always includes `lo`
 * and `hi`; an empty span is widened by 1 on each side so a flat line sits
 * in the middle.
 */
export function niceAxis(lo: number, hi: number, target = 4): Axis {
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return { min: lo - 1, max: hi + 1, ticks: [lo - 1, lo, lo + 1] };
  const raw = (hi - lo) / target;
  let mag = 1;
  while (mag * 10 <= raw) mag *= 10;
  let step = 1;
  let best = Infinity;
  for (const m of [1, 2, 5, 10, 20]) {
    const candidate = m * mag;
    const parts = Math.ceil(hi / candidate) - Math.floor(lo / candidate);
    const miss = Math.abs(parts - target);
    if (miss < best) {
      best = miss;
      step = candidate;
    }
  }
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = min; v <= max; v += step) ticks.push(v);
  return { min, max, ticks };
}

/** One coordinate, rounded to 0.1 (deterministic text). */
function c(v: number): string {
  return (Math.round(v * 10) / 10).toFixed(1);
}

export function xAt(axis: Axis, v: number): number {
  return FRAME.left + ((v - axis.min) / (axis.max - axis.min)) * PLOT_W;
}

export function yAt(axis: Axis, v: number): number {
  return FRAME.top + ((axis.max - v) / (axis.max - axis.min)) * PLOT_H;
}

/** "M x0 y0 L x1 y1 …": one vertex per value. */
export function linePath(x: Axis, y: Axis, xs: readonly number[], ys: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) parts.push(`${i === 0 ? "M" : "L"}${c(xAt(x, xs[i]))} ${c(yAt(y, ys[i]))}`);
  return parts.join("");
}

/** A step line: holds each value until the next x ("M x0 y0 H x1 V y1 …"); one V per value after the first. */
export function stepPath(x: Axis, y: Axis, xs: readonly number[], ys: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (i === 0) parts.push(`M${c(xAt(x, xs[0]))} ${c(yAt(y, ys[0]))}`);
    else parts.push(`H${c(xAt(x, xs[i]))}V${c(yAt(y, ys[i]))}`);
  }
  return parts.join("");
}

/** The area between a line and the value `base`, closed. */
export function areaPath(x: Axis, y: Axis, xs: readonly number[], ys: readonly number[], base: number): string {
  if (xs.length === 0) return "";
  const yb = c(yAt(y, base));
  return `${linePath(x, y, xs, ys)}L${c(xAt(x, xs[xs.length - 1]))} ${yb}L${c(xAt(x, xs[0]))} ${yb}Z`;
}

/** One small triangle per point, pointing up (buys) or down (sells): one "M" per point. */
export function markerPath(x: Axis, y: Axis, xs: readonly number[], ys: readonly number[], up: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const px = xAt(x, xs[i]);
    const py = yAt(y, ys[i]);
    parts.push(up ? `M${c(px)} ${c(py - 3)}l3.5 6h-7z` : `M${c(px)} ${c(py + 3)}l3.5 -6h-7z`);
  }
  return parts.join("");
}

export interface ChartOptions {
  /** data-chart attribute: equity, drawdown, position, fills. */
  readonly kind: string;
  /** Heading, plain text (escaped here). */
  readonly title: string;
  readonly x: Axis;
  readonly y: Axis;
  /** Tick label text for a value (escaped here). */
  readonly xLabel: (v: number) => string;
  readonly yLabel: (v: number) => string;
  /** Plain-text caption under the heading (escaped here). */
  readonly note?: string;
  /** Extra attributes for the <figure>, already safe (data counts). */
  readonly attrs?: string;
  /** SVG elements drawn over the grid, already safe. */
  readonly layers: string;
  /** Description for screen readers (escaped here). */
  readonly description: string;
}

/** A <figure> with a heading and the chart's <svg>: grid, tick labels, a zero line when 0 is in range, the layers. */
export function renderChart(o: ChartOptions): string {
  const grid: string[] = [];
  for (const v of o.y.ticks) {
    const py = c(yAt(o.y, v));
    grid.push(`<line class="grid${v === 0 ? " zero" : ""}" x1="${FRAME.left}" x2="${FRAME.width - FRAME.right}" y1="${py}" y2="${py}"/>`);
    grid.push(`<text class="tick" x="${FRAME.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(o.yLabel(v))}</text>`);
  }
  const bottom = FRAME.height - FRAME.bottom;
  for (const v of o.x.ticks) {
    const px = c(xAt(o.x, v));
    grid.push(`<line class="grid" x1="${px}" x2="${px}" y1="${FRAME.top}" y2="${bottom}"/>`);
    grid.push(`<text class="tick" x="${px}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(o.xLabel(v))}</text>`);
  }
  return [
    `<figure class="chart" data-chart="${escapeHtml(o.kind)}"${o.attrs ?? ""}>`,
    `<figcaption><span class="chart-title">${escapeHtml(o.title)}</span>${o.note ? ` <span class="note">${escapeHtml(o.note)}</span>` : ""}</figcaption>`,
    `<svg viewBox="0 0 ${FRAME.width} ${FRAME.height}" role="img" aria-label="${escapeHtml(o.description)}" preserveAspectRatio="xMidYMid meet">`,
    `<rect class="plot" x="${FRAME.left}" y="${FRAME.top}" width="${PLOT_W}" height="${PLOT_H}"/>`,
    ...grid,
    o.layers,
    `</svg>`,
    `</figure>`,
  ].join("\n");
}

/** A chart-sized placeholder that says why there is nothing to draw. */
export function renderEmptyChart(kind: string, title: string, why: string): string {
  return [
    `<figure class="chart empty" data-chart="${escapeHtml(kind)}" data-points="0">`,
    `<figcaption><span class="chart-title">${escapeHtml(title)}</span></figcaption>`,
    `<svg viewBox="0 0 ${FRAME.width} ${FRAME.height}" role="img" aria-label="${escapeHtml(`${title}: ${why}`)}">`,
    `<rect class="plot" x="${FRAME.left}" y="${FRAME.top}" width="${PLOT_W}" height="${PLOT_H}"/>`,
    `<text class="empty-note" x="${FRAME.left + PLOT_W / 2}" y="${FRAME.top + PLOT_H / 2}" text-anchor="middle">${escapeHtml(why)}</text>`,
    `</svg>`,
    `</figure>`,
  ].join("\n");
}
