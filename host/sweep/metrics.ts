import type { SeriesPoint } from "../engine/seriesRecorder.ts";

/**
 * Sharpe ratio of the sampled equity curve: mean / standard deviation of
 * the PnL change between consecutive samples, times sqrt(samples) — per run,
 * not annualised (event time is not wall time). 0 when flat. Deterministic:
 * plain IEEE arithmetic in a fixed order.
 */
export function sharpe(points: readonly SeriesPoint[]): number {
  const n = points.length - 1;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += points[i].pnl - points[i - 1].pnl;
  const mean = sum / n;
  let sq = 0;
  for (let i = 1; i <= n; i++) {
    const d = points[i].pnl - points[i - 1].pnl - mean;
    sq += d * d;
  }
  const sd = Math.sqrt(sq / (n - 1));
  return sd === 0 ? 0 : (mean / sd) * Math.sqrt(n);
}
