/**
 * Parameter sweeps on a piscina pool: every grid point is an ordinary
 * single-strategy backtest (so its result equals `ringfence backtest` of that
 * point), run across cores. Batch work like this is piscina's natural home;
 * the live path uses dedicated workers instead (docs/datapath.md).
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { RecordingError } from "../feed/recordingError.ts";
import { maxDrawdown } from "../report/seriesMath.ts";
import type { RiskLimits } from "../risk/riskLimits.ts";
import type { StrategyReport } from "../engine/strategyRunner.ts";
import type { SandboxLimits } from "../sandbox/limits.ts";
import { gridPoints, type GridAxis } from "./grid.ts";
import { sharpe } from "./metrics.ts";
import type { SweepTask, SweepTaskResult } from "./sweepTask.ts";

export interface SweepOptions {
  readonly dataPath: string;
  readonly label: string;
  readonly module: Uint8Array;
  readonly grid: readonly GridAxis[];
  readonly risk: RiskLimits;
  readonly sandbox: SandboxLimits;
  readonly workerScript: string;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Keep the full reports (with chart series) of the best N points, for an HTML page. */
  readonly keepTop?: number;
}

export interface SweepRow {
  rank: number;
  point: number;
  params: Record<string, number>;
  pnl: number;
  pnlDecimals: number;
  sharpe: number;
  maxDrawdown: number;
  orders: number;
  fills: number;
  rejects: number;
  faults: number;
  fault: string | null;
  auditHash: string;
}

export interface SweepResult {
  events: number;
  points: number;
  rows: SweepRow[];
  /** Reports of the best `keepTop` points, in rank order (only when asked). */
  top?: StrategyReport[];
}

const SERIES_POINTS = 500;

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const points = gridPoints(o.grid);
  const threads = Math.max(1, Math.min(o.threads ?? availableParallelism(), points.length));
  const pool = new Piscina({ filename: o.workerScript, minThreads: threads, maxThreads: threads });
  let done = 0;
  let events = 0;
  try {
    const results = await Promise.all(points.map(async (params, point) => {
      const task: SweepTask = { point, dataPath: o.dataPath, label: o.label, module: o.module, params, risk: o.risk, sandbox: o.sandbox, seriesPoints: SERIES_POINTS };
      const r = (await pool.run(task)) as SweepTaskResult;
      if ("recordingError" in r) throw new RecordingError(r.recordingError);
      events = r.events;
      o.onProgress?.(++done, points.length);
      return r;
    }));
    const rows: SweepRow[] = results.map(({ point, report: s }) => ({
      rank: 0,
      point,
      params: Object.fromEntries(points[point]),
      pnl: s.pnl,
      pnlDecimals: s.pnlDecimals,
      sharpe: Number(sharpe(s.series?.points ?? []).toFixed(4)),
      maxDrawdown: maxDrawdown(s.series?.points ?? []),
      orders: s.orders,
      fills: s.fills,
      rejects: s.rejects,
      faults: s.faults.length,
      fault: s.faults[0] ? `${s.faults[0].kind}@${s.faults[0].atEvent}` : null,
      auditHash: s.auditHash,
    }));
    // Ranked by PnL, then Sharpe, then grid order: a total, deterministic order.
    rows.sort((a, b) => b.pnl - a.pnl || b.sharpe - a.sharpe || a.point - b.point);
    rows.forEach((r, i) => (r.rank = i + 1));
    const top = o.keepTop ? rows.slice(0, o.keepTop).map((r) => results[r.point].report) : undefined;
    return { events, points: points.length, rows, ...(top ? { top } : {}) };
  } finally {
    await pool.destroy();
  }
}
