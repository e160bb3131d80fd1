/**
 * Paper trading through the bypass path: the feed handler (this thread)
 * publishes a recording into the broadcast ring at a chosen rate; strategy
 * workers trade it against their simulated venues; the supervisor drains
 * the order rings, keeps the watchdog and feeds the telemetry.
 */
import { EVENT_RECORD_WORDS } from "../abi/eventRecord.ts";
import type { StrategyReport, StrategySpec } from "../engine/strategyRunner.ts";
import type { Recording } from "../feed/recording.ts";
import { eventFeed } from "../feed/eventFeed.ts";
import type { RecordingReader } from "../feed/recordingReader.ts";
import { RingPolicy } from "../ring/broadcastLayout.ts";
import type { WaitMode } from "../ring/wait/index.ts";
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { Supervisor } from "./supervisor.ts";
import { buildRunChain } from "../backtest/runChain.ts";
import { encodeAuditFile } from "../audit/auditFile.ts";
import type { RestartPolicy } from "./restartPolicy.ts";
import { percentiles, type LiveTelemetry, type Percentiles, type RestartRecord } from "./telemetry.ts";

/**
 * Workers to use when none are asked for: one per strategy where cores
 * allow, so a strategy's time and ring cursor are its own (docs/datapath.md),
 * leaving one core for the feed thread (a spinning worker takes a whole core).
 */
export function defaultWorkerCount(strategies: number, cores: number): number {
  return Math.max(1, Math.min(strategies, cores - 1, 64));
}

export interface LiveRunOptions {
  /** The feed: a recording in memory, or a file's reader streamed a block at a time. */
  readonly recording: Recording | RecordingReader;
  readonly strategies: readonly StrategySpec[];
  readonly workers: number;
  readonly wait: WaitMode;
  readonly policy: RingPolicy;
  /** Stop publishing after this much wall time (0 = play the whole feed). */
  readonly durationMs: number;
  /** Events per second to publish (0 = as fast as the ring allows). */
  readonly ratePerSec: number;
  readonly workerScript: string;
  readonly ringCapacity?: number;
  readonly watchdogMs?: number;
  /** Records per publish and per worker poll (default 256 and 64). */
  readonly publishBatch?: number;
  readonly pollBatch?: number;
  /** Called about every viewEveryMs with the live state (terminal view). */
  readonly onTick?: (t: LiveTelemetry, elapsedMs: number) => void;
  readonly viewEveryMs?: number;
  /** Flight recorder: return a LiveCapture (what each strategy consumed and decided). */
  readonly record?: boolean;
  /** With `record`: where workers write their strategies' audit files while they run (sessionCaptureDir in host/replay/session.ts). */
  readonly captureDir?: string;
  /** Keep the host chain's sealed blocks (SupervisorOptions.keepAudit; default: `record`). */
  readonly keepAudit?: boolean;
  /** What happens after a worker dies (supervisor.ts; default none). */
  readonly restart?: Partial<RestartPolicy>;
  /**
   * Ends the feed early, as durationMs would (checked with the clock): the
   * workers drain what was published and stop, and the report and capture
   * cover exactly that. `ringfence run` aborts it on SIGINT/SIGTERM.
   */
  readonly signal?: AbortSignal;
  /** Test hook: called once after `atEvent` events were published. */
  readonly onEvent?: { atEvent: number; run: (s: Supervisor) => void };
}

/**
 * One worker instance in a flight-recorder capture: the slot's original
 * (instance 0) or its k-th replacement. Either it stopped cleanly and its
 * own capture says what it consumed (`ranges`, `kills`, `stopAt`, see
 * WorkerCapture), or it died without one and `death` keeps what the host saw.
 */
export interface InstanceCapture {
  readonly worker: number;
  readonly instance: number;
  readonly strategies: readonly number[];
  /** First event index it could see; -1 if it died before its poll loop began. */
  readonly startAt: number;
  readonly ranges?: readonly number[];
  readonly kills?: readonly number[];
  readonly stopAt?: number;
  readonly death?: {
    readonly cause: string;
    /**
     * Its reader's committed cursor at death, and the records its worker
     * takes per poll: it handled no event at or after lastCursor + batch
     * (whether a worker commits a batch before or after handling it).
     */
    readonly lastCursor: number;
    readonly batch: number;
    /** Flat [from, count, …]: events its reader lost to laps (from its Gap messages). */
    readonly gaps: readonly number[];
    /** Kill-switch state per hosted strategy when it started (parallel to `strategies`). */
    readonly initialKills: readonly number[];
    /** Strategies whose kill switch changed while it ran (at an event the host cannot know). */
    readonly killChanged: readonly number[];
  };
}

/** Flight-recorder capture of a live run (see WorkerCapture). */
export interface LiveCapture {
  /** Events the feed published: recording[0, published). */
  readonly published: number;
  /** SHA-256 (hex) of those events' records, as they were published. */
  readonly publishedSha256: string;
  readonly instances: readonly InstanceCapture[];
  /** Per strategy and instance that reported one: its audit file (in captureDir), fuel per event, and the most sealed audit blocks its worker held at once. */
  readonly strategies: { readonly index: number; readonly worker: number; readonly instance: number; readonly auditFile: string; readonly fuel: Int32Array; readonly auditBlocksHeldMax: number }[];
  /** The host's own chain (orders as they arrived, kill switches, faults, cancel-on-disconnect, restarts). */
  readonly hostAudit: Uint8Array;
}

export interface LiveReport {
  events: number;
  /** The run chain over the strategy chains, as in a backtest (host/backtest/runChain.ts). */
  auditHash: string;
  /** Head of the host's own chain: orders as they reached the host, kill switches, cancel-on-disconnect. */
  hostAuditHash: string;
  /**
   * A restarted strategy's report is its last instance's (a fresh instance
   * knows nothing of its predecessors); `restarts` and `restartHistory` say
   * how it got there.
   */
  strategies: (StrategyReport & { liveFault: string | null; cancelledOnDisconnect: number; restarts: number; restartHistory: RestartRecord[] })[];
  telemetry: {
    workers: number;
    wait: WaitMode;
    wallMs: number;
    eventsPerSec: number;
    tickToOrder: Percentiles;
    /** Per stage: feed → worker, one event through the worker's strategies (sampled), a risk check, order → host. */
    stages: { feedToWorker: Percentiles; callback: Percentiles; risk: Percentiles; orderToHost: Percentiles };
    maxRingLag: number;
    gapRecords: number;
    lappedCount: number;
    /** Events restarted strategies missed while their worker was down. */
    restartGapRecords: number;
  };
  capture?: LiveCapture;
}

/** Rounds of the feed loop per clock read (a power of two). */
const CLOCK_EVERY = 32;

export async function runLive(o: LiveRunOptions): Promise<LiveReport> {
  // A recorded run of a file hashes what it publishes: the session copies the events from the file again (copyRecordingPrefix).
  const feed = eventFeed(o.recording, { digestPublished: o.record === true });
  const total = feed.total;
  const sup = new Supervisor({
    strategies: o.strategies,
    instruments: feed.instruments,
    workers: o.workers,
    wait: o.wait,
    policy: o.policy,
    ringCapacity: o.ringCapacity ?? 4096,
    orderRingBytes: 1 << 20,
    totalEvents: total,
    watchdogMs: o.watchdogMs ?? 2000,
    batch: o.pollBatch,
    record: o.record,
    captureDir: o.captureDir,
    keepAudit: o.keepAudit,
    workerScript: o.workerScript,
    restart: o.restart,
  });
  await sup.ready(10_000);
  const t0 = performance.now();
  let next = 0;
  let lastYield = t0;
  let lastView = t0;
  let hookFired = false;
  const viewEvery = o.viewEveryMs ?? 250;
  // Events the rate allows by the last clock read (all of them without a rate).
  let due = o.ratePerSec > 0 ? 0 : total;
  let round = 0;
  // Whatever stops the feed by throwing (a damaged block further into a
  // streamed file, a trailer that does not hold, a hook) stops the workers first.
  try {
    while (next < total) {
      // The clock is read every CLOCK_EVERY rounds, not every round: each
      // read allocates (a boxed double), and at ~10 M rounds/s that garbage
      // meant a main-thread scavenge every ~20 ms, each a stall in draining
      // the order rings (tick→order p99 in milliseconds).
      const tick = (++round & (CLOCK_EVERY - 1)) === 0;
      let now = 0;
      if (tick) {
        now = performance.now();
        const elapsed = now - t0;
        if ((o.durationMs > 0 && elapsed >= o.durationMs) || o.signal?.aborted) break;
        if (o.ratePerSec > 0) due = Math.min(total, Math.floor((elapsed / 1000) * o.ratePerSec));
      }
      const allowed = due - next;
      if (allowed > 0) {
        const ready = feed.available(next);
        const sent = sup.publish(feed.words, (next - feed.base) * EVENT_RECORD_WORDS, Math.min(allowed, ready, o.publishBatch ?? 256));
        if (o.record === true && sent > 0) feed.published(next, sent);
        next += sent;
      }
      sup.pump();
      if (o.onEvent && !hookFired && next >= o.onEvent.atEvent) {
        hookFired = true;
        o.onEvent.run(sup);
      }
      if (!tick) continue;
      if (now - lastYield >= 1) {
        sup.requestStageSamples();
        sup.checkHealth();
        lastYield = now;
        await new Promise((r) => setImmediate(r));
      }
      if (o.onTick && now - lastView >= viewEvery) {
        lastView = now;
        o.onTick(sup.telemetry, now - t0);
      }
    }
    // A streamed file's trailer (its event count and digest) is read once its last block went out.
    if (next === total) feed.finish(next);
  } catch (e) {
    await sup.stop();
    throw e;
  }
  const dones = await sup.stop();
  const wallMs = performance.now() - t0;
  o.onTick?.(sup.telemetry, wallMs);
  for (const d of dones) {
    sup.telemetry.feedToWorker.add(decodeFromCompressedBase64(d.stages.feedToWorker));
    sup.telemetry.callback.add(decodeFromCompressedBase64(d.stages.callback));
    sup.telemetry.risk.add(decodeFromCompressedBase64(d.stages.risk));
  }
  const byIndex = new Map<number, StrategyReport>();
  for (const d of dones) for (const r of d.reports) byIndex.set(r.index, r);
  const t = sup.telemetry;
  const strategies = o.strategies.map((s, i) => {
    const r = byIndex.get(i);
    const liveFault = t.strategies[i].fault;
    const cancelledOnDisconnect = t.strategies[i].cancelledOnDisconnect;
    const restarts = t.strategies[i].restarts;
    const restartHistory = t.strategies[i].restartHistory;
    if (r) return { ...r, liveFault, cancelledOnDisconnect, restarts, restartHistory };
    // The worker died: report what the host saw.
    return {
      module: s.label, codeId: s.prepared.codeId, orders: t.strategies[i].orders, fills: t.strategies[i].fills, rejects: t.strategies[i].denials,
      cancels: t.strategies[i].cancels, faults: [t.strategies[i].lastFault ?? { kind: "disconnect", atEvent: -1, callback: "-", fuelAtFault: 0, message: liveFault ?? "worker lost" }],
      fuelUsed: 0, maxCallbackFuel: 0, callbacks: 0, position: t.strategies[i].position, pnl: 0, pnlDecimals: 0, denials: {}, logs: 0, logsDropped: 0,
      auditEntries: 0, auditHash: "", instruments: [], liveFault, cancelledOnDisconnect, restarts, restartHistory,
    };
  });
  let capture: LiveCapture | undefined;
  if (o.record) {
    const records = sup.instances();
    const instances = records.map((r): InstanceCapture => r.capture
      ? { worker: r.worker, instance: r.instance, strategies: r.strategies, startAt: r.capture.startAt, ranges: r.capture.ranges, kills: r.capture.kills, stopAt: r.capture.stopAt }
      : {
        worker: r.worker, instance: r.instance, strategies: r.strategies, startAt: r.startAt,
        death: { cause: r.death ?? "stopped without a report", lastCursor: r.lastCursor, batch: r.batch, gaps: r.gaps, initialKills: r.initialKills, killChanged: r.killChanged },
      });
    const strategies = records.flatMap((r) => (r.capture?.strategies ?? []).map((s) => ({ ...s, worker: r.worker, instance: r.instance })))
      .sort((a, b) => a.index - b.index || a.instance - b.instance);
    capture = { published: next, publishedSha256: feed.publishedSha256(), instances, strategies, hostAudit: encodeAuditFile([sup.audit]) };
  }
  return {
    events: next,
    auditHash: buildRunChain(strategies, next).headHex,
    hostAuditHash: sup.audit.headHex,
    strategies,
    telemetry: {
      workers: sup.workerCount,
      wait: o.wait,
      wallMs: Math.round(wallMs),
      eventsPerSec: Math.round(next / (wallMs / 1000)),
      tickToOrder: percentiles(t.tickToOrder),
      stages: {
        feedToWorker: percentiles(t.feedToWorker),
        callback: percentiles(t.callback),
        risk: percentiles(t.risk),
        orderToHost: percentiles(t.orderToHost),
      },
      maxRingLag: t.maxRingLag,
      gapRecords: t.gapRecords,
      lappedCount: t.lappedCount,
      restartGapRecords: t.restartGapRecords,
    },
    capture,
  };
}
