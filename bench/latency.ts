/**
 * `ringfence bench latency`: the full tick-to-order path as a ping-pong.
 * The host publishes one Quote; a worker runs the metered "ping" strategy
 * (bench/strategies/pingStrategy.ts), whose submit_order goes through the
 * call table, risk gate, venue and audit chain; the order comes back to the
 * host, which records publish → receive in an HdrHistogram (ns). Once the
 * worker has also reported the order's expiry (its last message for the
 * event), the next Quote goes out, so no sample pays for its predecessor.
 *
 * Mechanisms, interleaved round by round in one process (the order flips
 * every round) so their ratios are fair:
 *   floor            two threads ping-ponging one shared Int32 word (no strategy)
 *   ringBare         the product's rings and a busy-spinning worker that answers
 *                    each record with an order message at once (no strategy):
 *                    the transport alone
 *   ringSpin         the product: Supervisor + host/live/strategyWorker.worker.ts,
 *                    broadcast ring in, SPSC order ring out, busy-spin wait
 *   ringHybrid       the same with spin-then-park
 *   postMessage      the same strategy path, events and orders over a
 *                    MessageChannel, both threads in their event loops
 *   postMessagePoll  the same, both threads busy-polling the port
 *                    (receiveMessageOnPort): the transport without wake-ups
 *   piscina          one piscina task per event, the strategy instance kept in
 *                    the piscina worker between tasks
 *
 * Only one spinning worker runs at a time (this is a 2-core machine): the
 * product's ring workers are started and stopped every round, the bench's
 * own polling workers park between rounds (bench/workers/workerCommand.ts),
 * and the event-loop workers sleep.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort, type TransferListItem } from "node:worker_threads";
import type { Histogram } from "hdr-histogram-js";
import { Piscina } from "piscina";
import { EVENT_RECORD_WORDS } from "../host/abi/eventRecord.ts";
import type { StrategySpec } from "../host/engine/strategyRunner.ts";
import { OrderField, OrderMsg } from "../host/live/orderMessages.ts";
import { Supervisor, WorkerState } from "../host/live/supervisor.ts";
import { newHistogram } from "../host/live/telemetry.ts";
import type { WorkerStrategy } from "../host/live/workerProtocol.ts";
import { RingPolicy } from "../host/ring/broadcastLayout.ts";
import { BroadcastPublisher, createBroadcastRing } from "../host/ring/broadcastRing.ts";
import { SpscConsumer, createSpscRing } from "../host/ring/spscRing.ts";
import { BusySpinWait } from "../host/ring/wait/busySpin.ts";
import type { WaitMode } from "../host/ring/wait/index.ts";
import { BENCH_INSTRUMENTS } from "./strategies/benchModule.ts";
import { pingStrategySpec } from "./strategies/pingStrategy.ts";
import { setQuoteIndex, writeQuote } from "./strategies/quotes.ts";
import { FLOOR_COMMAND_WORD, FLOOR_PING_WORD, FLOOR_WORDS } from "./workers/floorLayout.ts";
import type { PostMessageWorkerData, RingEchoInit } from "./workers/protocol.ts";
import { WorkerCommand, setCommand } from "./workers/workerCommand.ts";
import { MSG_PAYLOAD_WORD, MSG_TYPE_WORD, type MessageWorkerInit } from "./workers/messageRunner.ts";
import { benchWorkerPath, distScriptPath } from "./workers/workerPath.ts";

/** Table order. The five of issue 3 plus ringBare and postMessagePoll, which locate the costs. */
export const MECHANISMS = ["floor", "ringBare", "ringSpin", "ringHybrid", "postMessagePoll", "postMessage", "piscina"] as const;
export type MechanismName = (typeof MECHANISMS)[number];

export interface LatencyBenchOptions {
  /** Rounds; each round runs every mechanism once. */
  readonly rounds: number;
  /** Recorded round trips per mechanism per round. */
  readonly samplesPerRound: number;
  /** Unrecorded round trips before them, every round (tier-up, caches). */
  readonly warmupPerRound: number;
  /**
   * The same for ringSpin and ringHybrid, whose strategy worker is a fresh
   * thread every round, so V8 tiers its code up from scratch each time. 5 000
   * was not enough: measured (10 rounds of 5 000 + 20 000 samples, one
   * process) most rounds were steady from the first sample, but in some a
   * stretch of ~2 000 samples just after the warm-up was a third slow
   * (> 0.9 µs), which alone moved the whole run's p99 from ~0.7 to 1.0–1.3
   * µs. With 30 000, ten rounds in a row had p99 0.67–0.87 µs
   * (bench/RESULTS.md, sixth session).
   */
  readonly freshWorkerWarmupPerRound: number;
}

export const DEFAULT_LATENCY_BENCH: LatencyBenchOptions = Object.freeze({ rounds: 5, samplesPerRound: 10_000, warmupPerRound: 5_000, freshWorkerWarmupPerRound: 30_000 });
export const QUICK_LATENCY_BENCH: LatencyBenchOptions = Object.freeze({ rounds: 2, samplesPerRound: 2_000, warmupPerRound: 2_000, freshWorkerWarmupPerRound: 2_000 });

export interface MechanismResult {
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
  meanNs: number;
  samples: number;
  /** postMessage p50 / this p50: how many times faster than the postMessage path. */
  p50SpeedupVsPostMessage: number;
  /** Orders the strategy had denied by risk (must be 0: every order should pass). */
  denied: number;
  /** Cost of one performance.now() (p50 of back-to-back pairs), included in every sample. */
  timerOverheadNs: number;
}

export type LatencyBenchResult = Record<MechanismName, MechanismResult>;

/** Goals for the ring in poll mode on the 2-core reference machine (issue 3). */
export const LATENCY_GOALS = Object.freeze({ p50Ns: 500, p99Ns: 1_000, p999Ns: 5_000, speedupVsPostMessage: 25 });

const NS_PER_MS = 1e6;
const STALL_MS = 10_000;

/** One way of carrying an event to the strategy and its order back. */
interface Mechanism {
  readonly name: MechanismName;
  /** Starts a fresh worker every round (so warms up with freshWorkerWarmupPerRound). */
  readonly freshWorkerEachRound?: boolean;
  open(): Promise<void>;
  /** Runs `warmup` unrecorded then `samples` recorded round trips into `into`. */
  round(warmup: number, samples: number, into: Histogram): Promise<void>;
  close(): Promise<void>;
  /** Orders denied by risk so far. */
  readonly denied: number;
}

function elapsedNs(t0Ms: number, t1Ms: number): number {
  return Math.max(1, Math.round((t1Ms - t0Ms) * NS_PER_MS));
}

function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (done()) resolve();
      else if (performance.now() > deadline) reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
      else setTimeout(check, 1);
    };
    check();
  });
}

/** Starts a bench worker and resolves once it runs; its exit promise is returned alongside. */
async function startWorker(name: string, workerData: unknown, transferList: TransferListItem[] = []): Promise<{ worker: Worker; exited: Promise<unknown> }> {
  const worker = new Worker(benchWorkerPath(name), { workerData, transferList });
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  await new Promise((resolve, reject) => {
    worker.once("online", resolve);
    worker.once("error", reject);
  });
  worker.on("error", () => {}); // a later crash shows up as a stall, reported with the mechanism's name
  return { worker, exited };
}

/** Spins until `done` or the deadline; checks the clock only every 2^16 spins. */
function spinUntil(what: string, deadlineMs: number, done: () => boolean): void {
  let spins = 0;
  while (!done()) {
    if (++spins === 1 << 16) {
      spins = 0;
      if (performance.now() > deadlineMs) throw new Error(`${what}: no answer from the worker`);
    }
  }
}

function deadlineFor(warmup: number, samples: number): number {
  return performance.now() + STALL_MS + (warmup + samples) * 0.2;
}

class FloorMechanism implements Mechanism {
  readonly name = "floor";
  readonly denied = 0;
  private readonly words = new Int32Array(new SharedArrayBuffer(FLOOR_WORDS * 4));
  private exited: Promise<unknown> = Promise.resolve();
  private value = 0;

  async open(): Promise<void> {
    this.exited = (await startWorker("floor", this.words.buffer)).exited;
  }

  async round(warmup: number, samples: number, into: Histogram): Promise<void> {
    const w = this.words;
    setCommand(w, FLOOR_COMMAND_WORD, WorkerCommand.Run);
    const deadline = deadlineFor(warmup, samples);
    try {
      for (let i = 0; i < warmup + samples; i++) {
        const ping = this.value + 1;
        const pong = this.value + 2;
        this.value = pong;
        const t0 = performance.now();
        Atomics.store(w, FLOOR_PING_WORD, ping);
        let spins = 0;
        while (Atomics.load(w, FLOOR_PING_WORD) !== pong) {
          if (++spins === 1 << 22) {
            spins = 0;
            if (performance.now() > deadline) throw new Error("floor: the worker stopped answering");
          }
        }
        const t1 = performance.now();
        if (i >= warmup) into.recordValue(elapsedNs(t0, t1));
      }
    } finally {
      setCommand(w, FLOOR_COMMAND_WORD, WorkerCommand.Park);
    }
  }

  async close(): Promise<void> {
    setCommand(this.words, FLOOR_COMMAND_WORD, WorkerCommand.Exit);
    await this.exited;
  }
}

/** The product's rings (publisher, reader, SPSC) with an echo worker: the transport alone. */
class RingBareMechanism implements Mechanism {
  readonly name = "ringBare";
  readonly denied = 0;
  private readonly ring = createBroadcastRing(1024, 1, RingPolicy.Live);
  private readonly orders = createSpscRing(1 << 16);
  private readonly control = new Int32Array(new SharedArrayBuffer(64));
  private readonly publisher = new BroadcastPublisher(this.ring, new BusySpinWait());
  private readonly consumer = new SpscConsumer(this.orders, new BusySpinWait());
  private exited: Promise<unknown> = Promise.resolve();
  private next = 0;
  private receivedAtMs = 0;
  private received = 0;
  // Bound once: the drain loop must not allocate a handler per read.
  private readonly onMessage = (type: number): void => {
    if (type === OrderMsg.Order) {
      this.receivedAtMs = performance.now();
      this.received++;
    }
  };

  async open(): Promise<void> {
    const init: RingEchoInit = { ring: this.ring, orders: this.orders, control: this.control.buffer as SharedArrayBuffer };
    this.exited = (await startWorker("ringEcho", init)).exited;
  }

  async round(warmup: number, samples: number, into: Histogram): Promise<void> {
    setCommand(this.control, 0, WorkerCommand.Run);
    const event = new Int32Array(EVENT_RECORD_WORDS);
    writeQuote(event, 0, 0);
    const deadline = deadlineFor(warmup, samples);
    try {
      for (let i = 0; i < warmup + samples; i++) {
        setQuoteIndex(event, 0, this.next++);
        const want = this.received + 1;
        const t0 = performance.now();
        this.publisher.publish(event, 0);
        spinUntil("ringBare", deadline, () => this.consumer.read(this.onMessage) > 0 && this.received === want);
        if (i >= warmup) into.recordValue(elapsedNs(t0, this.receivedAtMs));
      }
    } finally {
      setCommand(this.control, 0, WorkerCommand.Park);
    }
  }

  async close(): Promise<void> {
    setCommand(this.control, 0, WorkerCommand.Exit);
    await this.exited;
  }
}

/**
 * The product path: a Supervisor with one strategy worker. The latency is
 * the Supervisor's own tick-to-order telemetry (stamped in publish(), read
 * when the order is drained), so the bench reports what `ringfence run`
 * reports. A fresh supervisor and worker every round: the product's
 * busy-spinning worker has no way to park between rounds.
 */
class RingMechanism implements Mechanism {
  denied = 0;
  readonly freshWorkerEachRound = true;
  private readonly workerScript = distScriptPath("strategyWorker.worker.mjs");

  constructor(readonly name: MechanismName, private readonly wait: WaitMode, private readonly spec: StrategySpec) {}

  async open(): Promise<void> {}

  async round(warmup: number, samples: number, into: Histogram): Promise<void> {
    const sup = new Supervisor({
      strategies: [this.spec], instruments: BENCH_INSTRUMENTS, workers: 1, wait: this.wait, policy: RingPolicy.Live,
      ringCapacity: 1024, orderRingBytes: 1 << 16, totalEvents: -1, watchdogMs: 60_000, workerScript: this.workerScript,
    });
    try {
      await until(`${this.name}: strategy worker start`, () => sup.workerState(0) !== WorkerState.Starting);
      if (sup.workerState(0) !== WorkerState.Running) throw new Error(`${this.name}: the strategy worker failed to start`);
      const live = sup.telemetry.strategies[0];
      const event = new Int32Array(EVENT_RECORD_WORDS);
      writeQuote(event, 0, 0);
      const deadline = deadlineFor(warmup, samples);
      for (let i = 0; i < warmup + samples; i++) {
        if (i === warmup) sup.telemetry.tickToOrder.reset();
        setQuoteIndex(event, 0, i);
        const before = live.orders + live.denials;
        if (sup.publish(event, 0, 1) !== 1) throw new Error(`${this.name}: the ring refused an event`);
        // Settled: the order arrived and so did its expiry (the worker's last message for this event).
        spinUntil(this.name, deadline, () => {
          sup.pump();
          if (live.fault !== null) throw new Error(`${this.name}: the ping strategy faulted: ${live.fault}`);
          return live.orders + live.denials !== before && live.working.size === 0;
        });
      }
      this.denied += live.denials;
      into.add(sup.telemetry.tickToOrder);
    } finally {
      await sup.stop();
    }
  }

  async close(): Promise<void> {}
}

function workerStrategy(spec: StrategySpec): WorkerStrategy {
  return { index: 0, label: spec.label, codeId: spec.prepared.codeId, module: spec.prepared.module, params: [...spec.params], risk: spec.risk, sandbox: spec.sandbox };
}

/** Event message of the message-passing mechanisms: [eventIndex, ...16-word record]. Allocates. */
function eventMessage(index: number): Int32Array {
  const m = new Int32Array(1 + EVENT_RECORD_WORDS);
  m[0] = index;
  writeQuote(m, 1, index);
  return m;
}

function orderResult(message: Int32Array): number {
  return message[MSG_PAYLOAD_WORD + OrderField.result];
}

/** Both postMessage mechanisms: one worker, one MessageChannel. */
abstract class PortMechanism implements Mechanism {
  abstract readonly name: MechanismName;
  denied = 0;
  protected port: MessagePort | null = null;
  protected readonly control = new Int32Array(new SharedArrayBuffer(64));
  protected next = 0;
  private worker: Worker | null = null;

  constructor(private readonly init: MessageWorkerInit, private readonly mode: "event" | "poll") {}

  async open(): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const data: PostMessageWorkerData = { init: this.init, port: port2, mode: this.mode, control: this.control.buffer as SharedArrayBuffer };
    this.worker = (await startWorker("pingPostMessage", data, [port2])).worker;
    this.port = port1;
    // One untimed event: instantiation and rf_start happen on the first one.
    await this.round(1, 0, newHistogram());
  }

  abstract round(warmup: number, samples: number, into: Histogram): Promise<void>;

  async close(): Promise<void> {
    setCommand(this.control, 0, WorkerCommand.Exit);
    this.port?.close();
    await this.worker?.terminate();
  }
}

/** postMessage as it is used: both threads wait in their event loops. */
class PostMessageMechanism extends PortMechanism {
  readonly name = "postMessage";

  constructor(init: MessageWorkerInit) {
    super(init, "event");
  }

  round(warmup: number, samples: number, into: Histogram): Promise<void> {
    const port = this.port!;
    const total = warmup + samples;
    return new Promise((resolve, reject) => {
      let done = 0;
      let t0 = 0;
      const timer = setTimeout(() => finish(new Error("postMessage: no answer from the worker")), STALL_MS + total * 0.2);
      const send = (): void => {
        const m = eventMessage(this.next++);
        t0 = performance.now();
        port.postMessage(m);
      };
      const finish = (e?: Error): void => {
        clearTimeout(timer);
        port.off("message", onMessage);
        if (e) reject(e);
        else resolve();
      };
      const advance = (): void => {
        if (++done < total) send();
        else finish();
      };
      const onMessage = (m: Int32Array): void => {
        const type = m[MSG_TYPE_WORD];
        if (type === OrderMsg.Order) {
          const t1 = performance.now();
          if (done >= warmup) into.recordValue(elapsedNs(t0, t1));
          // A denied order has no expiry to wait for.
          if (orderResult(m) <= 0) {
            this.denied++;
            advance();
          }
        } else if (type === OrderMsg.Venue) {
          advance();
        } else if (type === OrderMsg.Fault) {
          finish(new Error("postMessage: the ping strategy faulted"));
        }
      };
      port.on("message", onMessage);
      if (total === 0) finish();
      else send();
    });
  }
}

/** Both threads busy-poll the port (receiveMessageOnPort): no thread ever sleeps. */
class PostMessagePollMechanism extends PortMechanism {
  readonly name = "postMessagePoll";

  constructor(init: MessageWorkerInit) {
    super(init, "poll");
  }

  async round(warmup: number, samples: number, into: Histogram): Promise<void> {
    const port = this.port!;
    setCommand(this.control, 0, WorkerCommand.Run);
    const deadline = deadlineFor(warmup, samples);
    let message: Int32Array | null = null;
    const receive = (): boolean => {
      const got = receiveMessageOnPort(port);
      message = got === undefined ? null : (got.message as Int32Array);
      return message !== null;
    };
    try {
      for (let i = 0; i < warmup + samples; i++) {
        const m = eventMessage(this.next++);
        const t0 = performance.now();
        port.postMessage(m);
        spinUntil("postMessagePoll", deadline, receive);
        const t1 = performance.now();
        if (message![MSG_TYPE_WORD] !== OrderMsg.Order) throw new Error("postMessagePoll: the ping strategy sent no order");
        if (i >= warmup) into.recordValue(elapsedNs(t0, t1));
        if (orderResult(message!) <= 0) this.denied++;
        else spinUntil("postMessagePoll", deadline, receive); // the expiry
      }
    } finally {
      setCommand(this.control, 0, WorkerCommand.Park);
    }
  }
}

class PiscinaMechanism implements Mechanism {
  readonly name = "piscina";
  denied = 0;
  private pool: Piscina | null = null;
  private next = 0;

  constructor(private readonly init: MessageWorkerInit) {}

  async open(): Promise<void> {
    this.pool = new Piscina({ filename: benchWorkerPath("pingPiscina"), minThreads: 1, maxThreads: 1, idleTimeout: 600_000, workerData: this.init });
    await this.round(1, 0, newHistogram());
  }

  async round(warmup: number, samples: number, into: Histogram): Promise<void> {
    const pool = this.pool!;
    for (let i = 0; i < warmup + samples; i++) {
      const m = eventMessage(this.next++);
      const t0 = performance.now();
      const messages = (await pool.run(m)) as Int32Array[];
      const t1 = performance.now();
      const order = messages.find((x) => x[MSG_TYPE_WORD] === OrderMsg.Order);
      if (order === undefined) throw new Error("piscina: the ping strategy sent no order");
      if (orderResult(order) <= 0) this.denied++;
      if (i >= warmup) into.recordValue(elapsedNs(t0, t1));
    }
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}

/** p50 of back-to-back performance.now() pairs: what the clock itself adds to each sample. */
function timerOverheadNs(): number {
  const h = newHistogram();
  for (let i = 0; i < 100_000; i++) {
    const t0 = performance.now();
    const t1 = performance.now();
    h.recordValue(elapsedNs(t0, t1));
  }
  return h.getValueAtPercentile(50);
}

export async function runLatencyBench(options: LatencyBenchOptions = DEFAULT_LATENCY_BENCH): Promise<LatencyBenchResult> {
  const spec = pingStrategySpec();
  const init: MessageWorkerInit = { strategy: workerStrategy(spec), instruments: BENCH_INSTRUMENTS };
  const mechanisms: Mechanism[] = [
    new FloorMechanism(),
    new RingBareMechanism(),
    new RingMechanism("ringSpin", "spin", spec),
    new RingMechanism("ringHybrid", "hybrid", spec),
    new PostMessagePollMechanism(init),
    new PostMessageMechanism(init),
    new PiscinaMechanism(init),
  ];
  const histograms = new Map<MechanismName, Histogram>(MECHANISMS.map((m) => [m, newHistogram()]));
  const opened: Mechanism[] = [];
  try {
    for (const m of mechanisms) {
      await m.open();
      opened.push(m);
    }
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? mechanisms : [...mechanisms].reverse();
      for (const m of order) {
        const warmup = m.freshWorkerEachRound === true ? options.freshWorkerWarmupPerRound : options.warmupPerRound;
        await m.round(warmup, options.samplesPerRound, histograms.get(m.name)!);
      }
    }
  } finally {
    for (const m of opened) await m.close();
  }
  const timer = timerOverheadNs();
  const post = histograms.get("postMessage")!;
  const postP50 = Math.min(post.getValueAtPercentile(50), post.maxValue);
  const result = {} as LatencyBenchResult;
  for (const m of mechanisms) {
    const h = histograms.get(m.name)!;
    // HdrHistogram answers a percentile with its bucket's highest equivalent
    // value (3 significant digits), which can lie just above the largest sample.
    const at = (p: number) => Math.min(h.getValueAtPercentile(p), h.maxValue);
    const p50 = at(50);
    result[m.name] = {
      p50Ns: p50,
      p99Ns: at(99),
      p999Ns: at(99.9),
      maxNs: h.maxValue,
      meanNs: Math.round(h.mean),
      samples: h.totalCount,
      p50SpeedupVsPostMessage: p50 > 0 ? Math.round((postP50 / p50) * 10) / 10 : 0,
      denied: m.denied,
      timerOverheadNs: timer,
    };
  }
  return result;
}

function us(ns: number): string {
  return `${(ns / 1000).toFixed(2)} µs`;
}

/** Human-readable report (the CLI prints this without --json). */
export function formatLatencyBench(result: LatencyBenchResult, command: string): string {
  const head = `${"mechanism".padEnd(16)} ${"p50".padStart(10)} ${"p99".padStart(10)} ${"p99.9".padStart(10)} ${"max".padStart(11)} ${"samples".padStart(8)}  p50 vs postMessage`;
  const lines = [`$ ${command}`, "", head];
  for (const name of MECHANISMS) {
    const m = result[name];
    lines.push(
      `${name.padEnd(16)} ${us(m.p50Ns).padStart(10)} ${us(m.p99Ns).padStart(10)} ${us(m.p999Ns).padStart(10)} ${us(m.maxNs).padStart(11)} ${String(m.samples).padStart(8)}  ${m.p50SpeedupVsPostMessage.toFixed(1).padStart(6)}x faster`,
    );
  }
  const spin = result.ringSpin;
  const ok = (b: boolean) => (b ? "met" : "MISSED");
  const g = LATENCY_GOALS;
  lines.push(
    "",
    `full path: Quote into the broadcast ring -> worker -> metered strategy -> submit_order (call table, risk, venue, audit) -> order ring -> host`,
    `each sample includes one performance.now() (${result.floor.timerOverheadNs} ns); denied orders: ${MECHANISMS.map((n) => result[n].denied).reduce((a, b) => a + b, 0)}`,
    `goals for ringSpin: p50 <= ${g.p50Ns} ns ${ok(spin.p50Ns <= g.p50Ns)}, p99 <= ${us(g.p99Ns)} ${ok(spin.p99Ns <= g.p99Ns)}, ` +
      `p99.9 <= ${us(g.p999Ns)} ${ok(spin.p999Ns <= g.p999Ns)}, >= ${g.speedupVsPostMessage}x postMessage at p50 ${ok(spin.p50SpeedupVsPostMessage >= g.speedupVsPostMessage)}`,
  );
  return lines.join("\n");
}
