/**
 * Live telemetry: one HdrHistogram per stage (nanoseconds), ring occupancy,
 * lapped/gap counts and per-strategy trading counters. Read by the terminal
 * view and the `--json` report; never by anything that feeds a strategy.
 */
import { build, type Histogram } from "hdr-histogram-js";
import { FaultKind, type Fault } from "../sandbox/faults.ts";
import { WorkingOrders } from "./workingOrders.ts";

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

/** Samples a DeferredSamples holds between flushes (more are dropped: they are samples). */
const DEFERRED_SAMPLES = 64;

/**
 * Stage samples taken on the tick-to-order path, recorded into their
 * histogram later, after the batch. A histogram record that runs once in
 * 1024 events costs 0.3–1 µs (cold code), and the worker's three sampled
 * stages fell on the same event: that tick-to-order sample was 3–5 µs
 * slower (the p99.9 when stages were sampled one event in 1024).
 */
export class DeferredSamples {
  private readonly held = new Float64Array(DEFERRED_SAMPLES);
  private count = 0;

  constructor(readonly histogram: Histogram) {}

  recordValue(v: number): void {
    if (this.count < DEFERRED_SAMPLES) this.held[this.count++] = v;
  }

  /** Records what is held. Off the hot path. */
  flush(): void {
    for (let i = 0; i < this.count; i++) this.histogram.recordValue(this.held[i]);
    this.count = 0;
  }
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

export interface RestartRecord {
  /** 1 for the first replacement of the worker slot, … */
  readonly restart: number;
  /** First event index the fresh instance could see. */
  readonly firstEvent: number;
  /** Events published while no instance of it was reading (the restart's gap). */
  readonly missedEvents: number;
  /** How the previous instance died. */
  readonly cause: string;
}

/**
 * How a live strategy's fault reads in the view and the report's
 * `liveFault`: a death of its worker (watchdog, disconnect: host-side kinds
 * a sandbox never raises) as `kind: why`, its own fault as
 * `kind at event N: callback: message`.
 */
export function liveFaultLine(f: Fault): string {
  return f.kind === FaultKind.Watchdog || f.kind === FaultKind.Disconnect
    ? `${f.kind}: ${f.message}`
    : `${f.kind} at event ${f.atEvent}: ${f.callback}: ${f.message}`;
}

export class StrategyLive {
  orders = 0;
  denials = 0;
  cancels = 0;
  fills = 0;
  filledLots = 0;
  position = 0;
  /** Cash in ticks·lots and the last mark, for a live PnL estimate. */
  cashTicksLots = 0;
  /**
   * Why it is not trading, typed: its own fault as its worker reported it,
   * or a `watchdog`/`disconnect` fault for its worker's death (atEvent -1);
   * null while it trades. The one record of it: `fault` is read from it. The
   * report of a strategy whose worker died without a final report uses it.
   */
  lastFault: Fault | null = null;
  /** Stopped on its own (deterministic) fault: never restarted. */
  quarantined = false;
  /** Orders cancelled by the host because the strategy's worker died. */
  cancelledOnDisconnect = 0;
  /** Fresh instances started for it after its worker died (restart policy), and each one's start. */
  restarts = 0;
  restartPending = false;
  readonly restartHistory: RestartRecord[] = [];
  /** Working orders the host knows of (for cancel-on-disconnect). */
  readonly working = new WorkingOrders();

  constructor(readonly label: string) {}

  /** Why it is not trading, as one line (liveFaultLine of lastFault); null while it trades. */
  get fault(): string | null {
    return this.lastFault === null ? null : liveFaultLine(this.lastFault);
  }
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
  /** Events restarted instances missed while their worker slot was down. */
  restartGapRecords = 0;
  readonly strategies: StrategyLive[];

  constructor(labels: readonly string[]) {
    this.strategies = labels.map((label) => new StrategyLive(label));
  }
}
