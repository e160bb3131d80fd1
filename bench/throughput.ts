/**
 * `ringfence bench throughput`: one-way events per second into one worker,
 * published in batches (publishBatch) into a lossless broadcast ring, so
 * nothing is dropped and the count the consumer reports must equal the
 * count published. Wall time runs from the first timed publish until the
 * consumer has taken the last event.
 *
 *   strategy   the product: Supervisor + host/live/strategyWorker.worker.ts
 *              running the metered no-op strategy (bench/strategies/noopStrategy.ts);
 *              every event is copied into the guest's memory and delivered
 *              with one rf_on_market call, as in `ringfence run`
 *   ringOnly   the same ring and batch size, consumed by a worker that polls
 *              and discards (bench/workers/ringDrain.worker.ts): the ring alone
 *   inProcess  the strategy path with no ring and no worker: StrategyRunner.onMarket
 *              in a loop on this thread, what one delivery costs by itself
 *
 * Variants run one after another (never two spinning workers at once on
 * this 2-core machine), in `rounds` interleaved rounds; each reports the
 * median round.
 */
import { Worker } from "node:worker_threads";
import { EVENT_RECORD_WORDS, EventWord } from "../host/abi/eventRecord.ts";
import { AuditLog } from "../host/audit/auditLog.ts";
import { StrategyRunner, type StrategySpec } from "../host/engine/strategyRunner.ts";
import { Supervisor, WorkerState } from "../host/live/supervisor.ts";
import { RingPolicy } from "../host/ring/broadcastLayout.ts";
import { BroadcastPublisher, createBroadcastRing } from "../host/ring/broadcastRing.ts";
import { BusySpinWait } from "../host/ring/wait/busySpin.ts";
import { BENCH_INSTRUMENTS } from "./strategies/benchModule.ts";
import { noopStrategySpec } from "./strategies/noopStrategy.ts";
import { setQuoteIndex, writeQuote } from "./strategies/quotes.ts";
import { DRAIN_STATE_BYTES, DrainWord, type RingDrainInit } from "./workers/protocol.ts";
import { benchWorkerPath, distScriptPath } from "./workers/workerPath.ts";

export interface ThroughputBenchOptions {
  /** Timed events per variant per round. */
  readonly events: number;
  /** Events per publishBatch call, and most records the worker takes per poll. */
  readonly batch: number;
  readonly rounds: number;
  /** Untimed events before the timed ones (tier-up), every round. */
  readonly warmupEvents: number;
  /** Slots in the broadcast ring (a power of two; 64 bytes each). */
  readonly ringCapacity: number;
}

export const DEFAULT_THROUGHPUT_BENCH: ThroughputBenchOptions = Object.freeze({ events: 10_000_000, batch: 256, rounds: 3, warmupEvents: 500_000, ringCapacity: 4096 });
export const QUICK_THROUGHPUT_BENCH: ThroughputBenchOptions = Object.freeze({ events: 1_000_000, batch: 256, rounds: 1, warmupEvents: 200_000, ringCapacity: 4096 });
/** Goal of issue 3 for one worker running a metered no-op strategy. */
export const THROUGHPUT_GOAL_EVENTS_PER_SEC = 20_000_000;

export interface VariantResult {
  eventsPerSec: number;
  /** Events the consumer reported taking (must equal `events`: the ring is lossless). */
  events: number;
  wallMs: number;
  nsPerEvent: number;
  /** events/s of every round, in round order. */
  rounds: number[];
}

export interface ThroughputBenchResult {
  /** Full strategy delivery (the `strategy` variant): the number issue 3 asks for. */
  eventsPerSec: number;
  batch: number;
  events: number;
  wallMs: number;
  strategy: VariantResult;
  ringOnly: VariantResult;
  inProcess: VariantResult;
  ringCapacity: number;
}

interface Timed {
  events: number;
  wallMs: number;
}

/** A batch of quotes whose seq/time are rewritten before each publish, so every event is new. */
class QuoteSource {
  readonly words: Int32Array;
  constructor(readonly batch: number) {
    this.words = new Int32Array(batch * EVENT_RECORD_WORDS);
    for (let i = 0; i < batch; i++) writeQuote(this.words, i * EVENT_RECORD_WORDS, i);
  }

  /** Makes the first `count` records events first .. first+count-1. */
  fill(first: number, count: number): void {
    for (let i = 0; i < count; i++) setQuoteIndex(this.words, i * EVENT_RECORD_WORDS, first + i);
  }
}

const STALL_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(what: string, done: () => boolean, timeoutMs = STALL_MS): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what}: timed out after ${timeoutMs} ms`);
    await sleep(1);
  }
}

/** The product: supervisor, strategy worker, no-op strategy, lossless ring. */
async function runStrategy(spec: StrategySpec, o: ThroughputBenchOptions): Promise<Timed> {
  const total = o.warmupEvents + o.events;
  const sup = new Supervisor({
    strategies: [spec], instruments: BENCH_INSTRUMENTS, workers: 1, wait: "spin", policy: RingPolicy.Lossless,
    ringCapacity: o.ringCapacity, orderRingBytes: 1 << 16, totalEvents: total, watchdogMs: 600_000, batch: o.batch,
    workerScript: distScriptPath("strategyWorker.worker.mjs"),
  });
  try {
    await waitFor("strategy: worker start", () => sup.workerState(0) !== WorkerState.Starting);
    if (sup.workerState(0) !== WorkerState.Running) throw new Error("strategy: the strategy worker failed to start");
    const source = new QuoteSource(o.batch);
    let published = 0;
    let t0 = 0;
    const deadline = performance.now() + STALL_MS + total / 1000;
    while (published < total) {
      if (published >= o.warmupEvents && t0 === 0) {
        // Timing starts once the worker has taken every warm-up event.
        while (sup.publisher.lag(0) > 0) sup.pump();
        t0 = performance.now();
      }
      const count = Math.min(o.batch, (published < o.warmupEvents ? o.warmupEvents : total) - published);
      source.fill(published, count);
      const n = sup.publish(source.words, 0, count);
      published += n;
      if (n === 0) {
        sup.pump();
        if (performance.now() > deadline) throw new Error("strategy: the worker stopped consuming");
      }
    }
    // The worker stops by itself after the last event (totalEvents); its state word says when.
    while (sup.workerState(0) === WorkerState.Running) {
      if (performance.now() > deadline) throw new Error("strategy: the worker did not finish");
    }
    const t1 = performance.now();
    const dones = await sup.stop();
    const consumed = dones[0]?.events ?? -1;
    if (consumed !== total) throw new Error(`strategy: the worker reports ${consumed} events, ${total} were published (lossless ring)`);
    const faults = dones[0].reports[0].faults;
    if (faults.length > 0) throw new Error(`strategy: the no-op strategy faulted: ${faults[0].message}`);
    return { events: o.events, wallMs: t1 - t0 };
  } catch (e) {
    await sup.stop();
    throw e;
  }
}

/** The ring alone: same publisher and batches, a consumer that discards. */
async function runRingOnly(o: ThroughputBenchOptions): Promise<Timed> {
  const total = o.warmupEvents + o.events;
  const ring = createBroadcastRing(o.ringCapacity, 1, RingPolicy.Lossless);
  const state = new Int32Array(new SharedArrayBuffer(DRAIN_STATE_BYTES));
  const init: RingDrainInit = { ring, state: state.buffer as SharedArrayBuffer, total, batch: o.batch };
  const worker = new Worker(benchWorkerPath("ringDrain"), { workerData: init });
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  let failure: Error | null = null;
  worker.on("error", (e) => { failure = e; });
  try {
    await waitFor("ringOnly: worker start", () => failure !== null || Atomics.load(state, DrainWord.ready) === 1);
    if (failure) throw failure;
    const publisher = new BroadcastPublisher(ring, new BusySpinWait());
    const source = new QuoteSource(o.batch);
    let published = 0;
    let t0 = 0;
    const deadline = performance.now() + STALL_MS + total / 1000;
    const stalled = (): boolean => performance.now() > deadline;
    while (published < total) {
      if (published >= o.warmupEvents && t0 === 0) {
        // Timing starts once the worker has taken every warm-up event.
        while (publisher.lag(0) > 0) if (stalled()) throw new Error("ringOnly: the worker stopped consuming");
        t0 = performance.now();
      }
      const count = Math.min(o.batch, (published < o.warmupEvents ? o.warmupEvents : total) - published);
      // Wait for room here, not inside publishBatch, so a dead worker is a timeout instead of a hang.
      if (publisher.available() < count) {
        if (stalled()) throw new Error("ringOnly: the worker stopped consuming");
        continue;
      }
      source.fill(published, count);
      published += publisher.publishBatch(source.words, 0, count);
    }
    while (Atomics.load(state, DrainWord.done) === 0) {
      if (performance.now() > deadline) throw new Error("ringOnly: the worker did not finish");
    }
    const t1 = performance.now();
    const consumed = Atomics.load(state, DrainWord.consumed);
    if (consumed !== total || Atomics.load(state, DrainWord.lapped) !== 0) {
      throw new Error(`ringOnly: the worker consumed ${consumed} of ${total} events (lapped ${Atomics.load(state, DrainWord.lapped)}) on a lossless ring`);
    }
    return { events: o.events, wallMs: t1 - t0 };
  } finally {
    await worker.terminate();
    await exited;
  }
}

/** StrategyRunner.onMarket on this thread: the cost of one delivery without ring or worker. */
function runInProcess(spec: StrategySpec, o: ThroughputBenchOptions): Timed {
  const runner = new StrategyRunner(spec, BENCH_INSTRUMENTS, new AuditLog(`strategy:${spec.prepared.codeId}`), null, 0, () => {}, null);
  const source = new QuoteSource(o.batch);
  source.fill(0, o.batch);
  runner.start(source.words[EventWord.timeHi], source.words[EventWord.timeLo]);
  let t0 = 0;
  const total = o.warmupEvents + o.events;
  for (let first = 0; first < total; first += o.batch) {
    if (first >= o.warmupEvents && t0 === 0) t0 = performance.now();
    const count = Math.min(o.batch, total - first);
    source.fill(first, count);
    for (let i = 0; i < count; i++) runner.onMarket(source.words, i * EVENT_RECORD_WORDS, first + i);
    runner.keepEvents();
  }
  const t1 = performance.now();
  if (!runner.alive) throw new Error(`inProcess: the no-op strategy faulted: ${runner.fault?.message}`);
  return { events: total - o.warmupEvents, wallMs: t1 - t0 };
}

function summarize(runs: Timed[]): VariantResult {
  const rates = runs.map((r) => r.events / (r.wallMs / 1000));
  const order = rates.map((_, i) => i).sort((a, b) => rates[a] - rates[b]);
  const median = runs[order[order.length >> 1]];
  const eventsPerSec = median.events / (median.wallMs / 1000);
  return {
    eventsPerSec: Math.round(eventsPerSec),
    events: median.events,
    wallMs: Math.round(median.wallMs * 10) / 10,
    nsPerEvent: Math.round((1e9 / eventsPerSec) * 10) / 10,
    rounds: rates.map(Math.round),
  };
}

export async function runThroughputBench(o: ThroughputBenchOptions = DEFAULT_THROUGHPUT_BENCH): Promise<ThroughputBenchResult> {
  if (o.warmupEvents + o.events > 0x7fffffff) throw new RangeError(`bench throughput: warmupEvents + events must be below 2^31, got ${o.warmupEvents + o.events}`);
  const spec = noopStrategySpec();
  const runs = { strategy: [] as Timed[], ringOnly: [] as Timed[], inProcess: [] as Timed[] };
  for (let r = 0; r < o.rounds; r++) {
    const steps: (() => Promise<void>)[] = [
      async () => { runs.strategy.push(await runStrategy(spec, o)); },
      async () => { runs.ringOnly.push(await runRingOnly(o)); },
      async () => { runs.inProcess.push(runInProcess(spec, o)); },
    ];
    for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
  }
  const strategy = summarize(runs.strategy);
  return {
    eventsPerSec: strategy.eventsPerSec,
    batch: o.batch,
    events: strategy.events,
    wallMs: strategy.wallMs,
    strategy,
    ringOnly: summarize(runs.ringOnly),
    inProcess: summarize(runs.inProcess),
    ringCapacity: o.ringCapacity,
  };
}

function mps(eventsPerSec: number): string {
  return `${(eventsPerSec / 1e6).toFixed(2)} M/s`;
}

/** Human-readable report (the CLI prints this without --json). */
export function formatThroughputBench(r: ThroughputBenchResult, command: string): string {
  const row = (name: string, v: VariantResult, what: string) =>
    `${name.padEnd(10)} ${mps(v.eventsPerSec).padStart(11)} ${v.nsPerEvent.toFixed(1).padStart(8)} ns ${String(v.events).padStart(10)} ${v.wallMs.toFixed(1).padStart(9)} ms  ${what}`;
  const goal = THROUGHPUT_GOAL_EVENTS_PER_SEC;
  return [
    `$ ${command}`,
    "",
    `${"variant".padEnd(10)} ${"events/s".padStart(11)} ${"per event".padStart(11)} ${"events".padStart(10)} ${"wall".padStart(12)}  what is timed`,
    row("strategy", r.strategy, "ring -> strategy worker -> metered no-op rf_on_market (the product)"),
    row("ringOnly", r.ringOnly, "ring -> worker that polls and discards"),
    row("inProcess", r.inProcess, "StrategyRunner.onMarket loop, no ring, no worker"),
    "",
    `lossless ring of ${r.ringCapacity} slots, batches of ${r.batch} (publish and poll), median of ${r.strategy.rounds.length} round(s); nothing dropped`,
    `goal >= ${mps(goal)} into one worker running a metered no-op strategy: ${r.eventsPerSec >= goal ? "met" : "MISSED"} ` +
      `(ring alone: ${r.ringOnly.eventsPerSec >= goal ? "meets it" : "misses it"})`,
  ].join("\n");
}
