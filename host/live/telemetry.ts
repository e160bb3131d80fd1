/**
 * Live telemetry: one HdrHistogram per stage (nanoseconds), ring occupancy,
 * lapped/gap counts and per-strategy trading counters. Read by the terminal
 * view and the `--json` report; never by anything that feeds a strategy.
 */
import { build, type Histogram } from "hdr-histogram-js";

export interface Percentiles {
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  samples: number;
}

export function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60e9, numberOfSignificantValueDigits: 3 });
}

export function percentiles(h: Histogram): Percentiles {
  return {
    p50Ns: h.getValueAtPercentile(50),
    p99Ns: h.getValueAtPercentile(99),
    p999Ns: h.getValueAtPercentile(99.9),
    maxNs: h.maxValue,
    samples: h.totalCount,
  };
}

export interface StrategyLive {
  label: string;
  orders: number;
  denials: number;
  cancels: number;
  fills: number;
  filledLots: number;
  position: number;
  /** Cash in ticks·lots and the last mark, for a live PnL estimate. */
  cashTicksLots: number;
  fault: string | null;
  /** Orders cancelled by the host because the strategy's worker died. */
  cancelledOnDisconnect: number;
  /** Working orders the host knows of (for cancel-on-disconnect). */
  working: Map<number, { instrument: number; side: number; leavesLots: number }>;
}

export class LiveTelemetry {
  /** Feed publish → order received on the host (the full tick-to-order path). */
  readonly tickToOrder = newHistogram();
  /** The worker wrote an order → the host drained it (order ring stage). */
  readonly orderToHost = newHistogram();
  /** Merged from the workers when they stop (see WorkerStages). */
  readonly feedToWorker = newHistogram();
  readonly callback = newHistogram();
  readonly risk = newHistogram();
  eventsPublished = 0;
  gapRecords = 0;
  lappedCount = 0;
  maxRingLag = 0;
  readonly strategies: StrategyLive[];

  constructor(labels: readonly string[]) {
    this.strategies = labels.map((label) => ({
      label, orders: 0, denials: 0, cancels: 0, fills: 0, filledLots: 0, position: 0, cashTicksLots: 0, fault: null, cancelledOnDisconnect: 0, working: new Map(),
    }));
  }
}
