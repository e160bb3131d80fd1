/**
 * The supervisor (main thread): starts long-lived strategy workers, drains
 * their order rings, tracks health through shared heartbeat counters, and
 * handles every way a worker can go wrong:
 *   - a strategy fault is quarantined inside its worker (typed, audited);
 *   - a wedged worker (heartbeat frozen for watchdogMs of wall time) is
 *     terminated — the wall-clock watchdog is a backstop behind fuel, and
 *     the only non-deterministic fault, so it is named `watchdog`;
 *   - a worker that dies (terminated, crashed) has all its strategies marked
 *     `disconnect`;
 * and in both latter cases the strategies' working orders are cancelled
 * (cancel-on-disconnect) and the host audit log says so. Other workers and
 * their strategies carry on. Restart policy: none (a restarted strategy would
 * start from a different state than its recording; replay it instead).
 *
 * Live trading uses dedicated workers, not piscina: a strategy keeps state
 * between events and must poll its ring continuously; piscina's task model
 * (one message per task, ~12 µs round trip here) suits batch work such as
 * sweeps and compiles.
 */
import { Worker } from "node:worker_threads";
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { EventKind, KillSwitchState, OrderStatus, Side } from "../abi/codes.ts";
import { joinI64 } from "../abi/int64.ts";
import { AuditLog } from "../audit/auditLog.ts";
import type { InstrumentSpec } from "../feed/instrument.ts";
import { RingPolicy } from "../ring/broadcastLayout.ts";
import { BroadcastPublisher, createBroadcastRing } from "../ring/broadcastRing.ts";
import { SpscConsumer, createSpscRing } from "../ring/spscRing.ts";
import { waitStrategy, type WaitMode } from "../ring/wait/index.ts";
import type { StrategySpec } from "../engine/strategyRunner.ts";
import { StrategyField, WorkerField, WorkerState, controlBytes, strategyWord, workerWord } from "./controlLayout.ts";
import { FAULT_MSG_HEADER_WORDS, FaultKindCode, OrderField, OrderMsg, STAMP_SENT_AT_WORD } from "./orderMessages.ts";
import { LiveTelemetry } from "./telemetry.ts";
import { NS_PER_MS, wallMs } from "./wallClock.ts";
import type { WorkerDone, WorkerInit, WorkerResult } from "./workerProtocol.ts";

export interface SupervisorOptions {
  readonly strategies: readonly StrategySpec[];
  readonly instruments: readonly InstrumentSpec[];
  readonly workers: number;
  readonly wait: WaitMode;
  readonly policy: RingPolicy;
  readonly ringCapacity: number;
  readonly orderRingBytes: number;
  readonly totalEvents: number;
  readonly watchdogMs: number;
  /** Records a worker takes per poll (default 64). */
  readonly batch?: number;
  /** Flight recorder on (see WorkerCapture). */
  readonly record?: boolean;
  /** Path of the built worker script (dist/strategyWorker.worker.mjs). */
  readonly workerScript: string;
}

interface WorkerSlot {
  readonly id: number;
  readonly worker: Worker;
  readonly consumer: SpscConsumer;
  readonly strategies: number[];
  lastHeartbeat: number;
  lastBeatAtMs: number;
  handler: (type: number, at: number, length: number) => void;
  alive: boolean;
  result: WorkerResult | null;
}


export class Supervisor {
  readonly telemetry: LiveTelemetry;
  readonly audit = new AuditLog("run");
  readonly publisher: BroadcastPublisher;
  private readonly control: Int32Array;
  private readonly slots: WorkerSlot[] = [];
  /** wallMs() publish time per ring slot, shared with the workers (feed → worker telemetry). */
  private readonly stamps: Float64Array;
  private readonly stampMask: number;
  private readonly exits: Promise<void>[] = [];

  constructor(private readonly o: SupervisorOptions) {
    if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 64) throw new RangeError(`supervisor: workers=${o.workers} must be in 1..64`);
    if (o.batch !== undefined && (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 4096)) throw new RangeError(`supervisor: batch=${o.batch} must be in 1..4096`);
    if (!(o.watchdogMs > 0)) throw new RangeError(`supervisor: watchdogMs=${o.watchdogMs} must be > 0`);
    const workers = Math.min(o.workers, o.strategies.length);
    const ring = createBroadcastRing(o.ringCapacity, workers, o.policy);
    this.publisher = new BroadcastPublisher(ring, waitStrategy(o.wait));
    const controlSab = new SharedArrayBuffer(controlBytes(workers, o.strategies.length));
    this.control = new Int32Array(controlSab);
    this.telemetry = new LiveTelemetry(o.strategies.map((s) => s.label));
    const stampsSab = new SharedArrayBuffer(o.ringCapacity * 8);
    this.stamps = new Float64Array(stampsSab);
    this.stampMask = o.ringCapacity - 1;
    for (let w = 0; w < workers; w++) {
      const mine = o.strategies.map((_, i) => i).filter((i) => i % workers === w);
      const orders = createSpscRing(o.orderRingBytes);
      const init: WorkerInit = {
        workerId: w,
        workers,
        ring,
        reader: w,
        orders,
        control: controlSab,
        wait: o.wait,
        instruments: o.instruments,
        strategies: mine.map((i) => {
          const s = o.strategies[i];
          return { index: i, label: s.label, codeId: s.prepared.codeId, module: s.prepared.module, params: [...s.params], risk: s.risk, sandbox: s.sandbox };
        }),
        totalEvents: o.totalEvents,
        sampleEvery: 0,
        batch: o.batch ?? 64,
        record: o.record ?? false,
        stamps: stampsSab,
      };
      const worker = new Worker(o.workerScript, { workerData: init });
      const slot: WorkerSlot = {
        id: w, worker, consumer: new SpscConsumer(orders, waitStrategy("spin")), strategies: mine,
        lastHeartbeat: -1, lastBeatAtMs: performance.now(), alive: true, result: null, handler: () => {},
      };
      slot.handler = this.makeHandler(slot);
      worker.on("message", (m: WorkerResult) => { slot.result = m; });
      worker.on("error", () => {}); // surfaced through 'exit' below
      this.exits.push(new Promise((resolve) => worker.once("exit", (code) => {
        this.drain(slot);
        if (slot.alive && (code !== 0 || slot.result?.kind !== "done")) this.disconnect(slot, "disconnect", `worker ${w} exited with code ${code}`);
        slot.alive = false;
        resolve();
      })));
      this.slots.push(slot);
    }
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /**
   * Resolves once every worker runs its poll loop (bundle loaded, strategies
   * instantiated), or has died, or `timeoutMs` passed: the feed should not
   * start into workers that cannot read yet, or a live ring laps them at once.
   */
  async ready(timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (performance.now() < until && this.slots.some((s) => s.alive && this.workerState(s.id) === WorkerState.Starting)) {
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Publishes up to `count` events without ever blocking; returns how many went out. */
  publish(src: Int32Array, at: number, count: number): number {
    const n = Math.min(count, this.publisher.available());
    if (n <= 0) return 0;
    const now = wallMs();
    const first = this.publisher.published;
    for (let i = 0; i < n; i++) this.stamps[(first + i) & this.stampMask] = now;
    this.publisher.publishBatch(src, at, n);
    this.telemetry.eventsPublished += n;
    return n;
  }

  /** Drains every order ring; returns messages handled. */
  pump(): number {
    let n = 0;
    for (const slot of this.slots) n += this.drain(slot);
    for (let w = 0; w < this.slots.length; w++) {
      const lag = this.publisher.lag(w);
      if (lag > this.telemetry.maxRingLag) this.telemetry.maxRingLag = lag;
    }
    return n;
  }

  /** Wall-clock watchdog: terminates workers whose heartbeat froze. Call often. */
  checkHealth(): void {
    const now = performance.now();
    for (const slot of this.slots) {
      if (!slot.alive) continue;
      // Start-up (loading the bundle, instantiating) is not watched: the
      // heartbeat only means something once the poll loop runs.
      if (Atomics.load(this.control, workerWord(slot.id, WorkerField.state)) !== WorkerState.Running) {
        slot.lastBeatAtMs = now;
        continue;
      }
      const hb = Atomics.load(this.control, workerWord(slot.id, WorkerField.heartbeat));
      if (hb !== slot.lastHeartbeat) {
        slot.lastHeartbeat = hb;
        slot.lastBeatAtMs = now;
      } else if (now - slot.lastBeatAtMs > this.o.watchdogMs) {
        this.disconnect(slot, "watchdog", `worker ${slot.id} heartbeat frozen for ${Math.round(now - slot.lastBeatAtMs)} ms`);
        void slot.worker.terminate();
      }
    }
  }

  /** Kill switch for one strategy (risk officer). Applied by its worker at the next batch. */
  setKillSwitch(strategy: number, state: KillSwitchState): void {
    Atomics.store(this.control, strategyWord(this.slots.length, strategy, StrategyField.killSwitch), state);
    this.audit.append({ eventIndex: this.publisher.published, timeNs: 0, call: "kill_switch", args: [strategy, state], result: 0 }, strategy);
  }

  /** Asks workers to finish what was published and stop; resolves with their reports. */
  async stop(): Promise<WorkerDone[]> {
    for (const slot of this.slots) Atomics.store(this.control, workerWord(slot.id, WorkerField.stop), 1);
    // Parked readers see the flag within one bounded park (MAX_PARK_MS).
    const done = Promise.all(this.exits);
    while (this.slots.some((s) => s.alive)) {
      this.pump();
      this.checkHealth();
      await new Promise((r) => setTimeout(r, 1));
    }
    await done;
    this.pump();
    return this.slots.map((s) => s.result).filter((r): r is WorkerDone => r?.kind === "done");
  }

  /** Which worker hosts strategy s (round-robin assignment). */
  workerOf(strategy: number): number {
    return strategy % this.slots.length;
  }

  workerState(w: number): number {
    return Atomics.load(this.control, workerWord(w, WorkerField.state));
  }

  /** Test hook: the worker thread of slot w (e.g. to terminate it mid-run). */
  workerThread(w: number): Worker {
    return this.slots[w].worker;
  }

  private disconnect(slot: WorkerSlot, kind: "watchdog" | "disconnect", why: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    this.publisher.detach(slot.id);
    for (const s of slot.strategies) {
      const live = this.telemetry.strategies[s];
      if (live.fault === null) live.fault = `${kind}: ${why}`;
      this.audit.append({ eventIndex: this.publisher.published, timeNs: 0, call: "fault", args: [s], result: 0, detail: `${kind}: ${why}` }, s);
      // Cancel-on-disconnect: every order the host knows is working.
      const ids = [...live.working.keys()].sort((a, b) => a - b);
      live.cancelledOnDisconnect += ids.length;
      for (const id of ids) {
        this.audit.append({ eventIndex: this.publisher.published, timeNs: 0, call: "cancel_on_disconnect", args: [s, id], result: OrderStatus.CancelledByRisk }, s);
      }
      live.working.clear();
      Atomics.store(this.control, strategyWord(this.slots.length, s, StrategyField.faulted), 1);
    }
  }

  private drain(slot: WorkerSlot): number {
    if (slot.consumer.backlogBytes() === 0) return 0;
    return slot.consumer.read(slot.handler);
  }

  /**
   * The slot's message handler, made once: drain runs in the hot loop, and a
   * closure per call was ~10 KB of garbage per event (measured).
   */
  private makeHandler(slot: WorkerSlot): (type: number, at: number, length: number) => void {
    const c = slot.consumer;
    const w = c.words;
    const sentAt = new Float64Array(c.bytes.buffer, 0, c.bytes.byteLength >> 3);
    const t = this.telemetry;
    return (type, at, length) => {
      const b = at >> 2;
      switch (type) {
        case OrderMsg.Order: {
          const s = w[b + OrderField.strategy];
          const eventIndex = joinI64(w[b + OrderField.eventLo], w[b + OrderField.eventHi]);
          const result = w[b + OrderField.result];
          const live = t.strategies[s];
          const now = wallMs();
          if (eventIndex > this.publisher.published - this.stamps.length) {
            t.tickToOrder.recordValue(Math.max(1, Math.round((now - this.stamps[eventIndex & this.stampMask]) * NS_PER_MS)));
          }

          if (result > 0) {
            live.orders++;
            live.working.set(result, { instrument: w[b + OrderField.instrument], side: w[b + OrderField.side], leavesLots: joinI64(w[b + OrderField.qtyLo], w[b + OrderField.qtyHi]) });
          } else live.denials++;
          this.audit.append({
            eventIndex, timeNs: 0, call: "order",
            args: [w[b + OrderField.instrument], w[b + OrderField.side], w[b + OrderField.type], w[b + OrderField.tif],
              joinI64(w[b + OrderField.priceLo], w[b + OrderField.priceHi]), joinI64(w[b + OrderField.qtyLo], w[b + OrderField.qtyHi]), w[b + OrderField.clientTag]],
            result,
          }, s);
          break;
        }
        case OrderMsg.Cancel: {
          const s = w[b];
          if (w[b + 4] === 0) t.strategies[s].cancels++;
          this.audit.append({ eventIndex: joinI64(w[b + 1], w[b + 2]), timeNs: 0, call: "cancel", args: [w[b + 3]], result: w[b + 4] }, s);
          break;
        }
        case OrderMsg.Venue: {
          const s = w[b];
          const live = t.strategies[s];
          const r = b + 3;
          const kind = w[r + EventWord.kind];
          const orderId = w[r + EventWord.ref];
          if (kind === EventKind.Fill) {
            const qty = joinI64(w[r + EventWord.qtyLo], w[r + EventWord.qtyHi]);
            const price = joinI64(w[r + EventWord.priceLo], w[r + EventWord.priceHi]);
            const sign = w[r + EventWord.flags] === Side.Buy ? 1 : -1;
            live.fills++;
            live.filledLots += qty;
            live.position += sign * qty;
            live.cashTicksLots -= sign * qty * price;
            const wo = live.working.get(orderId);
            if (wo) wo.leavesLots = joinI64(w[r + EventWord.qty2Lo], w[r + EventWord.qty2Hi]);
          } else if (kind === EventKind.OrderUpdate) {
            const status = w[r + EventWord.flags] & 0xff;
            if (status !== OrderStatus.Working && status !== OrderStatus.PartiallyFilled) live.working.delete(orderId);
          }
          break;
        }
        case OrderMsg.Fault: {
          const s = w[b];
          const len = w[b + 5];
          const text = Buffer.from(c.bytes.subarray(at + FAULT_MSG_HEADER_WORDS * 4, at + FAULT_MSG_HEADER_WORDS * 4 + Math.min(len, length))).toString("utf8");
          const kind = FaultKindCode[w[b + 4]] ?? "trap";
          t.strategies[s].fault = `${kind} at event ${joinI64(w[b + 1], w[b + 2])}: ${text}`;
          t.strategies[s].working.clear();
          this.audit.append({ eventIndex: joinI64(w[b + 1], w[b + 2]), timeNs: 0, call: "fault", args: [w[b + 3]], result: 0, detail: `${kind}: ${text}` }, s);
          break;
        }
        case OrderMsg.Stamp: {
          t.orderToHost.recordValue(Math.max(1, Math.round((wallMs() - sentAt[(at >> 3) + (STAMP_SENT_AT_WORD >> 1)]) * NS_PER_MS)));
          break;
        }
        case OrderMsg.Gap: {
          t.gapRecords += w[b + 1];
          t.lappedCount = Math.max(t.lappedCount, w[b + 2]);
          break;
        }
      }
    };
  }
}

export { RingPolicy, EVENT_RECORD_WORDS, WorkerState };
