/**
 * Derived series for the report's charts, in exact integers: drawdown is
 * the running peak of PnL minus PnL (in the same 10^-pnlDecimals units).
 */
import type { SeriesPoint } from "../engine/seriesRecorder.ts";

/** Drawdown at each point (>= 0), from the running peak of the points seen so far. Allocates. */
export function drawdowns(points: readonly SeriesPoint[]): number[] {
  const out = new Array<number>(points.length);
  let peak = -Infinity;
  for (let i = 0; i < points.length; i++) {
    if (points[i].pnl > peak) peak = points[i].pnl;
    out[i] = peak - points[i].pnl;
  }
  return out;
}

/** The largest drawdown of the sampled points (0 for none). */
export function maxDrawdown(points: readonly SeriesPoint[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const p of points) {
    if (p.pnl > peak) peak = p.pnl;
    if (peak - p.pnl > worst) worst = peak - p.pnl;
  }
  return worst;
}
