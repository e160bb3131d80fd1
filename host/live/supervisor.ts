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
 * their strategies carry on.
 *
 * Restart policy (restartPolicy.ts), after a worker died — never after a
 * strategy's own fault, which is deterministic and stays quarantined:
 *   - none (default): the slot stays down;
 *   - fresh: once the dead thread has exited and its orders were cancelled,
 *     and after a backoff (doubling per restart of that slot), a replacement
 *     worker starts FRESH instances of the slot's unquarantined strategies
 *     (rf_start again; guest state, timers and the simulated account are
 *     lost), at most maxRestarts times per slot. It reuses the slot's reader,
 *     re-attached at the publisher's current position (BroadcastPublisher.attach): a
 *     lossless ring then waits for it again, a live one never does, and the
 *     replacement joins a live ring at its tail. Events published while the
 *     slot was down are that restart's gap. Each restart is one `restart`
 *     entry per strategy in the host chain, written when the replacement
 *     reports the first event it can see (worker, restart number, first
 *     event, events missed). Beyond maxRestarts the strategies stay down and
 *     the chain says `restarts_exhausted`.
 * The flight recorder keeps every instance apart (instances()): replay
 * checks each one from its own start event.
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
import { AUDIT_BLOCK_ENTRIES } from "../audit/auditFormat.ts";
import { AuditLog } from "../audit/auditLog.ts";
import type { InstrumentSpec } from "../feed/instrument.ts";
import { RingPolicy } from "../ring/broadcastLayout.ts";
import { BroadcastPublisher, createBroadcastRing } from "../ring/broadcastRing.ts";
import { SpscConsumer, createSpscRing } from "../ring/spscRing.ts";
import { waitStrategy, type WaitMode } from "../ring/wait/index.ts";
import type { StrategySpec } from "../engine/strategyRunner.ts";
import { HostField, StrategyField, WorkerField, WorkerState, controlBytes, hostWord, strategyWord, workerWord } from "./controlLayout.ts";
import { OrderField, OrderMsg, STAMP_SENT_AT_WORD, readFaultPayload } from "./orderMessages.ts";
import { DEFAULT_RESTART_POLICY, restartDelayMs, restartPolicy, type RestartPolicy } from "./restartPolicy.ts";
import { LiveTelemetry } from "./telemetry.ts";
import { NS_PER_MS, hotWallMs, wallMs } from "./wallClock.ts";
import type { WorkerCapture, WorkerDone, WorkerInit, WorkerResult } from "./workerProtocol.ts";

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
  /** With `record`: an existing directory where workers write their strategies' audit files as they go (sessionCaptureDir). */
  readonly captureDir?: string;
  /**
   * Keep the host chain's sealed blocks (audit.visitEntries / encodeAuditFile
   * need them) instead of only its head. Default: what `record` says. A
   * caller that streams the chain elsewhere keeps them and release()s what
   * it has stored; without either, a run of any length holds one open block.
   */
  readonly keepAudit?: boolean;
  /** Path of the built worker script (dist/strategyWorker.worker.mjs). */
  readonly workerScript: string;
  /** What happens after a worker dies (default: none, the slot stays down). */
  readonly restart?: Partial<RestartPolicy>;
}

/**
 * A replacement must reach its poll loop within this much wall time: a
 * lossless feed waits for a re-attached reader, so a replacement stuck
 * loading would stall every other worker. Past it, it counts as a watchdog
 * death (and may be replaced in turn).
 */
export const REPLACEMENT_START_DEADLINE_MS = 10_000;

/** One thread running a slot's strategies: the original (instance 0) or a replacement. */
interface WorkerInstance {
  readonly number: number;
  readonly worker: Worker;
  readonly consumer: SpscConsumer;
  readonly strategies: readonly number[];
  readonly spawnedAtMs: number;
  handler: (type: number, at: number, length: number) => void;
  lastHeartbeat: number;
  lastBeatAtMs: number;
  alive: boolean;
  exited: boolean;
  result: WorkerResult | null;
  /** First event index it can see (0 for an original; a replacement says so in its Attach message); -1 until then. */
  startAt: number;
  /** `watchdog: …` / `disconnect: …` once it died; null while running or after a clean stop. */
  death: string | null;
  /** Its reader's committed cursor when the thread exited. */
  lastCursor: number;
  /** Flight recorder: flat [from, count, …] of events its reader lost to laps. */
  readonly gaps: number[];
  /** Kill-switch state of each hosted strategy when it was spawned (it applies them at its first batch). */
  readonly initialKills: readonly number[];
  /** Strategies whose kill switch the host changed while it existed (when it applied the change is not known on the host). */
  readonly killChanged: Set<number>;
}

/** A worker slot: a control line and a broadcast reader, served by one worker instance at a time. */
class WorkerSlot {
  /** Set by spawn() before anything reads it. */
  current!: WorkerInstance;
  /** Every instance, in order (current last). */
  readonly history: WorkerInstance[] = [];
  restarts = 0;
  /** performance.now() when the pending replacement is due; -1 when none is. */
  restartDueMs = -1;
  /** The strategies the pending replacement will host. */
  pending: readonly number[] = [];
  /** The reader cursor after the last instance that consumed anything (the restart gap starts there). */
  consumedTo = 0;

  constructor(readonly id: number) {}
}

/** What the flight recorder keeps of one worker instance (see LiveCapture). */
export interface InstanceRecord {
  readonly worker: number;
  readonly instance: number;
  readonly strategies: readonly number[];
  readonly startAt: number;
  /** Its final report's capture, when it stopped cleanly and recording was on. */
  readonly capture: WorkerCapture | null;
  readonly death: string | null;
  readonly lastCursor: number;
  /** Records its worker takes per poll. */
  readonly batch: number;
  readonly gaps: readonly number[];
  readonly initialKills: readonly number[];
  readonly killChanged: readonly number[];
}


export class Supervisor {
  readonly telemetry: LiveTelemetry;
  readonly audit: AuditLog;
  readonly publisher: BroadcastPublisher;
  readonly restartPolicy: RestartPolicy;
  private readonly control: Int32Array;
  private readonly controlSab: SharedArrayBuffer;
  private readonly ring: SharedArrayBuffer;
  private readonly slots: WorkerSlot[] = [];
  /** Worker slots (fixed at start; the control block's layout depends on it). */
  private readonly workerTotal: number;
  /** hotWallMs() publish time per ring slot, shared with the workers (feed → worker telemetry). */
  private readonly stamps: Float64Array;
  private readonly stampsSab: SharedArrayBuffer;
  private readonly stampMask: number;
  private readonly exits: Promise<void>[] = [];
  private stopping = false;

  constructor(private readonly o: SupervisorOptions) {
    if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 64) throw new RangeError(`supervisor: workers=${o.workers} must be in 1..64`);
    if (o.batch !== undefined && (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 4096)) throw new RangeError(`supervisor: batch=${o.batch} must be in 1..4096`);
    if (!(o.watchdogMs > 0)) throw new RangeError(`supervisor: watchdogMs=${o.watchdogMs} must be > 0`);
    if (o.record && !o.captureDir) throw new RangeError("supervisor: record needs a captureDir for the workers' audit files");
    this.restartPolicy = o.restart === undefined ? DEFAULT_RESTART_POLICY : restartPolicy(o.restart);
    this.audit = new AuditLog("run", AUDIT_BLOCK_ENTRIES, o.keepAudit ?? o.record === true);
    const workers = Math.min(o.workers, o.strategies.length);
    this.workerTotal = workers;
    this.ring = createBroadcastRing(o.ringCapacity, workers, o.policy);
    this.publisher = new BroadcastPublisher(this.ring, waitStrategy(o.wait));
    this.controlSab = new SharedArrayBuffer(controlBytes(workers, o.strategies.length));
    this.control = new Int32Array(this.controlSab);
    this.telemetry = new LiveTelemetry(o.strategies.map((s) => s.label));
    this.stampsSab = new SharedArrayBuffer(o.ringCapacity * 8);
    this.stamps = new Float64Array(this.stampsSab);
    this.stampMask = o.ringCapacity - 1;
    for (let w = 0; w < workers; w++) {
      const mine = o.strategies.map((_, i) => i).filter((i) => i % workers === w);
      const slot = new WorkerSlot(w);
      this.slots.push(slot);
      this.spawn(slot, 0, mine, 0);
    }
  }

  /** Starts one worker thread for `slot` hosting `strategies`, reading from `startAt`. */
  private spawn(slot: WorkerSlot, number: number, strategies: readonly number[], startAt: number): void {
    const o = this.o;
    const orders = createSpscRing(o.orderRingBytes);
    const init: WorkerInit = {
      workerId: slot.id,
      instance: number,
      workers: this.workerTotal,
      ring: this.ring,
      reader: slot.id,
      startAt,
      skipToTail: number > 0 && o.policy === RingPolicy.Live,
      orders,
      control: this.controlSab,
      wait: o.wait,
      instruments: o.instruments,
      strategies: strategies.map((i) => {
        const s = o.strategies[i];
        return { index: i, label: s.label, codeId: s.prepared.codeId, module: s.prepared.module, params: [...s.params], risk: s.risk, sandbox: s.sandbox };
      }),
      totalEvents: o.totalEvents,
      sampleEvery: 0,
      batch: o.batch ?? 64,
      record: o.record ?? false,
      captureDir: o.captureDir ?? "",
      stamps: this.stampsSab,
    };
    const worker = new Worker(o.workerScript, { workerData: init });
    const now = performance.now();
    const inst: WorkerInstance = {
      number, worker, consumer: new SpscConsumer(orders, waitStrategy("spin")), strategies, spawnedAtMs: now, handler: () => {},
      lastHeartbeat: -1, lastBeatAtMs: now, alive: true, exited: false, result: null, startAt: number === 0 ? 0 : -1, death: null, lastCursor: startAt,
      gaps: [], initialKills: strategies.map((s) => Atomics.load(this.control, strategyWord(this.workerTotal, s, StrategyField.killSwitch))), killChanged: new Set(),
    };
    inst.handler = this.makeHandler(slot, inst);
    slot.current = inst;
    slot.history.push(inst);
    worker.on("message", (m: WorkerResult) => { inst.result = m; });
    worker.on("error", () => {}); // surfaced through 'exit' below
    this.exits.push(new Promise((resolve) => worker.once("exit", (code) => {
      this.drain(inst);
      if (inst.alive && (code !== 0 || inst.result?.kind !== "done")) {
        const replacement = number > 0 ? ` (restart ${number}${inst.startAt < 0 ? ", before it attached" : ""})` : "";
        // A worker that failed on its own (its host code threw: a capture file it could not write) says why.
        const why = inst.result?.kind === "failed" ? `: ${inst.result.message}` : "";
        this.disconnect(slot, "disconnect", `worker ${slot.id} exited with code ${code}${replacement}${why}`);
      }
      inst.alive = false;
      inst.exited = true;
      inst.lastCursor = this.publisher.published - this.publisher.lag(slot.id);
      if (inst.startAt >= 0) slot.consumedTo = inst.lastCursor;
      if (inst.death !== null) {
        // A watchdog disconnect comes before the thread is gone: orders it
        // sent in between were drained just now and are working too.
        for (const s of inst.strategies) this.cancelWorking(s);
        this.planRestart(slot, inst);
      }
      resolve();
    })));
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
    while (performance.now() < until && this.slots.some((s) => s.current.alive && this.workerState(s.id) === WorkerState.Starting)) {
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Publishes up to `count` events without ever blocking; returns how many went out. */
  publish(src: Int32Array, at: number, count: number): number {
    const n = Math.min(count, this.publisher.available());
    if (n <= 0) return 0;
    const now = hotWallMs();
    const first = this.publisher.published;
    for (let i = 0; i < n; i++) this.stamps[(first + i) & this.stampMask] = now;
    this.publisher.publishBatch(src, at, n);
    this.telemetry.eventsPublished += n;
    // Ring occupancy peaks right after a publish, so the max lag is taken
    // here. (Taken in pump() it read every reader's cursor line on every spin
    // of the loop that waits for orders, in front of noticing one.)
    for (let w = 0; w < this.slots.length; w++) {
      // A dead reader's frozen cursor is not lag (it would grow without bound).
      if (!this.slots[w].current.alive) continue;
      const lag = this.publisher.lag(w);
      if (lag > this.telemetry.maxRingLag) this.telemetry.maxRingLag = lag;
    }
    return n;
  }

  /** Drains every order ring; returns messages handled. */
  pump(): number {
    let n = 0;
    for (const slot of this.slots) n += this.drain(slot.current);
    return n;
  }

  /**
   * Wall-clock watchdog: terminates workers whose heartbeat froze, and
   * starts replacements whose backoff is over (restart policy). Call often.
   */
  /**
   * Asks every worker for one sample of each telemetry stage (feed → worker,
   * callback, risk, order → host) after this call. A paper run calls it about
   * once a millisecond, so a short run still has samples and a long one about
   * a thousand a second; benchmarks that read no stage telemetry never call
   * it and so pay for no samples.
   */
  requestStageSamples(): void {
    Atomics.add(this.control, hostWord(HostField.sampleTick), 1);
  }

  checkHealth(): void {
    const now = performance.now();
    for (const slot of this.slots) {
      const inst = slot.current;
      if (!inst.alive) {
        if (slot.restartDueMs >= 0 && now >= slot.restartDueMs && !this.stopping) this.restart(slot);
        continue;
      }
      // Start-up (loading the bundle, instantiating) is not watched by the
      // heartbeat: it only means something once the poll loop runs.
      const state = Atomics.load(this.control, workerWord(slot.id, WorkerField.state));
      if (state !== WorkerState.Running) {
        if (inst.number > 0 && state === WorkerState.Starting && now - inst.spawnedAtMs > REPLACEMENT_START_DEADLINE_MS) {
          this.disconnect(slot, "watchdog", `worker ${slot.id} restart ${inst.number} did not start within ${REPLACEMENT_START_DEADLINE_MS} ms`);
          void inst.worker.terminate();
        } else inst.lastBeatAtMs = now;
        continue;
      }
      const hb = Atomics.load(this.control, workerWord(slot.id, WorkerField.heartbeat));
      if (hb !== inst.lastHeartbeat) {
        inst.lastHeartbeat = hb;
        inst.lastBeatAtMs = now;
      } else if (now - inst.lastBeatAtMs > this.o.watchdogMs) {
        this.disconnect(slot, "watchdog", `worker ${slot.id} heartbeat frozen for ${Math.round(now - inst.lastBeatAtMs)} ms`);
        void inst.worker.terminate();
      }
    }
  }

  /** Kill switch for one strategy (risk officer). Applied by its worker at the next batch. */
  setKillSwitch(strategy: number, state: KillSwitchState): void {
    Atomics.store(this.control, strategyWord(this.workerTotal, strategy, StrategyField.killSwitch), state);
    const inst = this.slots[this.workerOf(strategy)].current;
    if (!inst.exited) inst.killChanged.add(strategy);
    this.audit.append({ eventIndex: this.publisher.published, timeNs: 0, call: "kill_switch", args: [strategy, state], result: 0 }, strategy);
  }

  /**
   * Asks workers to finish what was published and stop; resolves with their
   * reports. A replacement not yet started is not started any more.
   */
  async stop(): Promise<WorkerDone[]> {
    this.stopping = true;
    for (const slot of this.slots) {
      if (slot.restartDueMs >= 0) {
        slot.restartDueMs = -1;
        for (const s of slot.pending) this.telemetry.strategies[s].restartPending = false;
      }
      Atomics.store(this.control, workerWord(slot.id, WorkerField.stop), 1);
    }
    // Parked readers see the flag within one bounded park (MAX_PARK_MS).
    while (this.slots.some((s) => s.current.alive)) {
      this.pump();
      this.checkHealth();
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(this.exits);
    this.pump();
    return this.slots.map((s) => s.current.result).filter((r): r is WorkerDone => r?.kind === "done");
  }

  /**
   * Every worker instance so far, slot by slot in start order: what the
   * flight recorder keeps of each (its capture if it reported one, else how
   * it died and what the host saw of its reader). Call after stop().
   */
  instances(): InstanceRecord[] {
    return this.slots.flatMap((slot) => slot.history.map((i): InstanceRecord => ({
      worker: slot.id, instance: i.number, strategies: i.strategies, startAt: i.startAt,
      capture: i.result?.kind === "done" ? i.result.capture ?? null : null,
      death: i.death, lastCursor: i.lastCursor, batch: this.o.batch ?? 64, gaps: i.gaps, initialKills: i.initialKills, killChanged: [...i.killChanged].sort((a, b) => a - b),
    })));
  }

  /** Which worker hosts strategy s (round-robin assignment). */
  workerOf(strategy: number): number {
    return strategy % this.slots.length;
  }

  workerState(w: number): number {
    return Atomics.load(this.control, workerWord(w, WorkerField.state));
  }

  /** Test hook: the current worker thread of slot w (e.g. to terminate it mid-run). */
  workerThread(w: number): Worker {
    return this.slots[w].current.worker;
  }

  /** Replacements started for slot w so far. */
  restartsOf(w: number): number {
    return this.slots[w].restarts;
  }

  private disconnect(slot: WorkerSlot, kind: "watchdog" | "disconnect", why: string): void {
    const inst = slot.current;
    if (!inst.alive) return;
    inst.alive = false;
    inst.death = `${kind}: ${why}`;
    this.publisher.detach(slot.id);
    for (const s of inst.strategies) {
      const live = this.telemetry.strategies[s];
      // A strategy's own fault stays its fault: it is why it stopped trading.
      if (!live.quarantined) {
        live.lastFault = { kind, atEvent: -1, fuelAtFault: 0, callback: "-", message: why };
      }
      live.restartPending = false;
      this.audit.append({ eventIndex: this.publisher.published, timeNs: 0, call: "fault", args: [s], result: 0, detail: inst.death }, s);
      this.cancelWorking(s);
      Atomics.store(this.control, strategyWord(this.workerTotal, s, StrategyField.faulted), 1);
    }
  }

  /** Cancel-on-disconnect: every order the host knows to be working for s, one audit entry each. */
  private cancelWorking(s: number): void {
    const live = this.telemetry.strategies[s];
    if (live.working.size === 0) return;
    const ids = live.working.ids();
    live.cancelledOnDisconnect += ids.length;
    for (const id of ids) {
      this.audit.append({ eventIndex: this.publisher.published, timeNs: 0, call: "cancel_on_disconnect", args: [s, id], result: OrderStatus.CancelledByRisk }, s);
    }
    live.working.clear();
  }

  /** After an instance died and its thread exited: schedule its replacement, or say why there is none. */
  private planRestart(slot: WorkerSlot, dead: WorkerInstance): void {
    const p = this.restartPolicy;
    if (p.policy === "none" || this.stopping) return;
    const t = this.telemetry;
    const strategies = dead.strategies.filter((s) => !t.strategies[s].quarantined);
    if (strategies.length === 0) return; // every one stopped on its own fault: nothing a restart would fix
    if (slot.restarts >= p.maxRestarts) {
      for (const s of strategies) {
        const exhausted = `; not restarted: ${p.maxRestarts} of ${p.maxRestarts} restarts used`;
        const f = t.strategies[s].lastFault;
        if (f) t.strategies[s].lastFault = { ...f, message: f.message + exhausted };
        this.audit.append({
          eventIndex: this.publisher.published, timeNs: 0, call: "restarts_exhausted", args: [slot.id, p.maxRestarts], result: 0,
          detail: `worker ${slot.id}: ${p.maxRestarts} restart(s) used; strategies ${strategies.join(",")} stay down`,
        }, s);
      }
      return;
    }
    slot.pending = strategies;
    slot.restartDueMs = performance.now() + restartDelayMs(p, slot.restarts + 1);
    for (const s of strategies) t.strategies[s].restartPending = true;
  }

  /** Starts the slot's pending replacement: fresh instances, reader re-attached at the current position. */
  private restart(slot: WorkerSlot): void {
    const n = ++slot.restarts;
    slot.restartDueMs = -1;
    const startAt = this.publisher.attach(slot.id);
    Atomics.store(this.control, workerWord(slot.id, WorkerField.stop), 0);
    Atomics.store(this.control, workerWord(slot.id, WorkerField.state), WorkerState.Starting);
    for (const s of slot.pending) {
      Atomics.store(this.control, strategyWord(this.workerTotal, s, StrategyField.faulted), 0);
      const live = this.telemetry.strategies[s];
      live.restarts++;
      // The fresh instance trades against a fresh simulated venue: its
      // account starts flat (paper trading has nowhere to carry a position).
      live.position = 0;
      live.cashTicksLots = 0;
    }
    this.spawn(slot, n, slot.pending, startAt);
  }

  /** A replacement reached its poll loop: its strategies trade again from `firstEvent`. Audited. */
  private attached(slot: WorkerSlot, inst: WorkerInstance, firstEvent: number): void {
    inst.startAt = firstEvent;
    const missed = Math.max(0, firstEvent - slot.consumedTo);
    const t = this.telemetry;
    t.restartGapRecords += missed;
    const max = this.restartPolicy.maxRestarts;
    const detail = `worker ${slot.id} restart ${inst.number}/${max}: fresh instances of strategies ${inst.strategies.join(",")} from event ${firstEvent} ` +
      `(rf_start runs again, state is lost); ${missed} event(s) missed while down`;
    for (const s of inst.strategies) {
      const live = t.strategies[s];
      // (An Attach drained only after the replacement was declared dead —
      // the watchdog came first — leaves the strategy marked down.)
      if (inst.alive) {
        live.lastFault = null;
        live.restartPending = false;
      }
      live.restartHistory.push({ restart: inst.number, firstEvent, missedEvents: missed, cause: slot.history[slot.history.indexOf(inst) - 1]?.death ?? "" });
      this.audit.append({ eventIndex: firstEvent, timeNs: 0, call: "restart", args: [slot.id, inst.number, firstEvent, missed], result: 0, detail }, s);
    }
  }

  private drain(inst: WorkerInstance): number {
    if (!inst.consumer.hasMessage()) return 0;
    return inst.consumer.read(inst.handler);
  }

  /**
   * The slot's message handler, made once: drain runs in the hot loop, and a
   * closure per call was ~10 KB of garbage per event (measured).
   */
  private makeHandler(slot: WorkerSlot, inst: WorkerInstance): (type: number, at: number, length: number) => void {
    const c = inst.consumer;
    const w = c.words;
    const sentAt = new Float64Array(c.bytes.buffer, 0, c.bytes.byteLength >> 3);
    const t = this.telemetry;
    // Reused for every order and cancel message: the log encodes an entry at
    // once and keeps nothing of it, so the drain allocates nothing for them.
    const orderArgs = [0, 0, 0, 0, 0, 0, 0];
    const orderEntry = { eventIndex: 0, timeNs: 0, call: "order", args: orderArgs, result: 0 };
    const cancelArgs = [0];
    const cancelEntry = { eventIndex: 0, timeNs: 0, call: "cancel", args: cancelArgs, result: 0 };
    return (type, at, length) => {
      const b = at >> 2;
      switch (type) {
        case OrderMsg.Order: {
          // The order has arrived once its commit is seen: read the clock
          // before its fields, which may sit on a cache line still in flight.
          const now = hotWallMs();
          const s = w[b + OrderField.strategy];
          const eventIndex = joinI64(w[b + OrderField.eventLo], w[b + OrderField.eventHi]);
          const result = w[b + OrderField.result];
          const live = t.strategies[s];
          if (eventIndex > this.publisher.published - this.stamps.length) {
            t.tickToOrder.recordValue(Math.max(1, Math.round((now - this.stamps[eventIndex & this.stampMask]) * NS_PER_MS)));
          }

          if (result > 0) {
            live.orders++;
            live.working.set(result, joinI64(w[b + OrderField.qtyLo], w[b + OrderField.qtyHi]));
          } else live.denials++;
          const args = orderArgs;
          args[0] = w[b + OrderField.instrument];
          args[1] = w[b + OrderField.side];
          args[2] = w[b + OrderField.type];
          args[3] = w[b + OrderField.tif];
          args[4] = joinI64(w[b + OrderField.priceLo], w[b + OrderField.priceHi]);
          args[5] = joinI64(w[b + OrderField.qtyLo], w[b + OrderField.qtyHi]);
          args[6] = w[b + OrderField.clientTag];
          orderEntry.eventIndex = eventIndex;
          orderEntry.result = result;
          this.audit.append(orderEntry, s);
          break;
        }
        case OrderMsg.Cancel: {
          const s = w[b];
          if (w[b + 4] === 0) t.strategies[s].cancels++;
          cancelArgs[0] = w[b + 3];
          cancelEntry.eventIndex = joinI64(w[b + 1], w[b + 2]);
          cancelEntry.result = w[b + 4];
          this.audit.append(cancelEntry, s);
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
            live.working.setLeaves(orderId, joinI64(w[r + EventWord.qty2Lo], w[r + EventWord.qty2Hi]));
          } else if (kind === EventKind.OrderUpdate) {
            const status = w[r + EventWord.flags] & 0xff;
            if (status !== OrderStatus.Working && status !== OrderStatus.PartiallyFilled) live.working.delete(orderId);
          }
          break;
        }
        case OrderMsg.Fault: {
          const { strategy: s, fault: f } = readFaultPayload(w, c.bytes, at, length);
          t.strategies[s].lastFault = f;
          t.strategies[s].quarantined = true;
          t.strategies[s].working.clear();
          this.audit.append({ eventIndex: f.atEvent, timeNs: 0, call: "fault", args: [f.fuelAtFault], result: 0, detail: `${f.kind}: ${f.callback}: ${f.message}` }, s);
          break;
        }
        case OrderMsg.Stamp: {
          t.orderToHost.recordValue(Math.max(1, Math.round((wallMs() - sentAt[(at >> 3) + (STAMP_SENT_AT_WORD >> 1)]) * NS_PER_MS)));
          break;
        }
        case OrderMsg.Gap: {
          t.gapRecords += w[b + 1];
          t.lappedCount = Math.max(t.lappedCount, w[b + 2]);
          if (this.o.record) inst.gaps.push(joinI64(w[b + 3], w[b + 4]) - w[b + 1], w[b + 1]);
          break;
        }
        case OrderMsg.Attach: {
          this.attached(slot, inst, joinI64(w[b + 2], w[b + 3]));
          break;
        }
      }
    };
  }
}

export { RingPolicy, EVENT_RECORD_WORDS, WorkerState };
