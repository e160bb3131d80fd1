/** Hand-built backtest reports for the renderer tests (no wasm needed). */
import type { BacktestReport } from "../../../host/backtest/backtest.ts";
import type { SeriesFill, SeriesPoint } from "../../../host/engine/seriesRecorder.ts";
import type { StrategyReport } from "../../../host/engine/strategyRunner.ts";

export function strategyReport(o: Partial<StrategyReport> = {}): StrategyReport {
  return {
    module: "strategies/momentum.wasm",
    codeId: "f229058d3e3f662122c4a2a748ee943d41d7c4ba596ed366fab3700576e68f2f",
    orders: 12,
    fills: 10,
    rejects: 2,
    cancels: 1,
    faults: [],
    fuelUsed: 123456,
    maxCallbackFuel: 999,
    callbacks: 1000,
    position: 3,
    pnl: -1234,
    pnlDecimals: 2,
    denials: { throttle: 2 },
    logs: 4,
    logsDropped: 0,
    auditEntries: 30,
    auditHash: "984d1c63d102b1bdb997f4657db483cb565bd4c2726aa01b082efcd852713a03",
    instruments: [
      { symbol: "SYN0", position: 3, cashTicksLots: -30000, markTicks: 10000, pnlTicksLots: 0 },
      { symbol: "SYN1", position: 0, cashTicksLots: 0, markTicks: 20000, pnlTicksLots: 0 },
    ],
    ...o,
  };
}

/** `n` points every `every` events: a PnL walk with a known peak and trough. */
export function points(n: number, every: number, pnlAt: (i: number) => number, positionAt: (i: number) => number = (i) => (i % 7) - 3): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => ({ eventIndex: i * every, timeNs: i * every * 1000, position: positionAt(i), pnl: pnlAt(i) }));
}

export function fills(n: number, instrument: number, every: number): SeriesFill[] {
  return Array.from({ length: n }, (_, i) => ({
    eventIndex: i * every,
    timeNs: i * every * 1000,
    instrument,
    side: i % 3 === 0 ? 2 : 1,
    priceTicks: 10000 + (i % 17) - 8,
    qtyLots: 1 + (i % 4),
  }));
}

export function report(strategies: StrategyReport[], events = 10_000): BacktestReport {
  return { events, auditHash: "cce5184fe6de74376d746da770d3127f930fd7b794787b5b005ffa2f269cd11a", strategies };
}
