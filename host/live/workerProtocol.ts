/**
 * What the supervisor hands a strategy worker at start (workerData) and what
 * the worker posts back once, at the end. Neither is on the hot path: events
 * and orders travel through the rings, never through postMessage.
 */
import type { StrategyReport } from "../engine/strategyRunner.ts";
import type { InstrumentSpec } from "../feed/instrument.ts";
import type { WaitMode } from "../ring/wait/index.ts";
import type { RiskLimits } from "../risk/riskLimits.ts";
import type { SandboxLimits } from "../sandbox/limits.ts";

export interface WorkerStrategy {
  /** Index in the run (stable across worker counts). */
  readonly index: number;
  readonly label: string;
  readonly codeId: string;
  readonly module: WebAssembly.Module;
  readonly params: readonly [string, number][];
  readonly risk: RiskLimits;
  readonly sandbox: SandboxLimits;
}

export interface WorkerInit {
  /** The worker slot: its control line and its broadcast reader (the same for its replacements). */
  readonly workerId: number;
  /** 0 for the slot's original worker, k for its k-th replacement (restart policy "fresh"). */
  readonly instance: number;
  readonly workers: number;
  readonly ring: SharedArrayBuffer;
  readonly reader: number;
  /** The event index the reader starts at: 0, or for a replacement the publisher's position when it was re-attached. */
  readonly startAt: number;
  /**
   * A replacement on a live ring moves on to the ring's tail when its poll
   * loop begins: what was published while it loaded would only lap it.
   */
  readonly skipToTail: boolean;
  readonly orders: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  readonly wait: WaitMode;
  readonly instruments: readonly InstrumentSpec[];
  readonly strategies: readonly WorkerStrategy[];
  /** Total events the feed will publish (lossless runs end there); -1 for open-ended live feeds. */
  readonly totalEvents: number;
  /** Send a Callback telemetry message every N callbacks (0 = never). */
  readonly sampleEvery: number;
  /** Most records taken from the ring per poll (1..4096). */
  readonly batch: number;
  /** Flight recorder: capture what each strategy consumed and decided. */
  readonly record: boolean;
  /** With `record`: the directory the worker writes each strategy's audit file into as it goes ("" without). */
  readonly captureDir: string;
  /** Float64 wallMs() publish time per ring slot (written by the feed before it publishes). */
  readonly stamps: SharedArrayBuffer;
}

/** Stage histograms a worker kept (HdrHistogram, compressed base64), for the run's telemetry. */
export interface WorkerStages {
  /** Feed publish → the worker took the batch (first event of each batch). */
  readonly feedToWorker: string;
  /** One market event through every strategy on the worker (sampled every 16th event). */
  readonly callback: string;
  /** The risk gate's check of one order. */
  readonly risk: string;
}

/**
 * What the flight recorder captured in one worker: the event ranges its
 * reader consumed (gaps show as jumps), the kill-switch changes it applied
 * (at the first event of the batch they preceded), and per strategy its
 * audit chain (every host call with arguments and result) and fuel per event.
 */
export interface WorkerCapture {
  /** Which instance of the slot this is (0 original, k the k-th replacement) and the first event it could see. */
  readonly instance: number;
  readonly startAt: number;
  /** Flat [start, count, start, count, …] of consumed event indices. */
  readonly ranges: number[];
  /** Flat [eventIndex, strategyIndex, state, …]. */
  readonly kills: number[];
  /** The event index rf_stop was called with (the reader's final cursor). */
  readonly stopAt: number;
  /**
   * Per strategy: its audit file, written while it ran (captureDir), its
   * fuel per event, and the most sealed audit blocks the worker held at once
   * (the file takes them as they pile up, so this stays small).
   */
  readonly strategies: { readonly index: number; readonly auditFile: string; readonly fuel: Int32Array; readonly auditBlocksHeldMax: number }[];
}

export interface WorkerDone {
  readonly kind: "done";
  readonly workerId: number;
  readonly instance: number;
  readonly events: number;
  readonly gapRecords: number;
  readonly lappedCount: number;
  readonly reports: readonly (StrategyReport & { index: number })[];
  readonly capture?: WorkerCapture;
  readonly stages: WorkerStages;
}

export interface WorkerFailed {
  readonly kind: "failed";
  readonly workerId: number;
  readonly instance: number;
  readonly message: string;
}

export type WorkerResult = WorkerDone | WorkerFailed;
