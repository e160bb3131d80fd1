/**
 * One strategy's engine: its sandboxed instance, its own simulated venue and
 * account, its risk gate, timers and audit chain. Backtest and live mode
 * both drive strategies through this class and swap only the event source
 * (recording vs ring) — so a decision in `run` equals the decision in
 * `backtest` on the same events.
 *
 * Per market event, in this fixed order:
 *   1. the venue matches resting orders against the event (fills queued);
 *   2. queued fills/order updates are delivered (rf_on_order);
 *   3. timers due at or before the event time fire (rf_on_timer);
 *   4. the market event itself is delivered (rf_on_market), if the strategy
 *      subscribed to that market data for that instrument (by default it has);
 * and after every callback, whatever it caused is delivered before moving on.
 */
import { EVENT_RECORD_WORDS, EventWord, clearRecord } from "../abi/eventRecord.ts";
import { ALL_INSTRUMENTS, DenialName, EventKind, HostStatus, KillSwitchState, MarketData, OrderStatus } from "../abi/codes.ts";
import { joinI64, readI64 } from "../abi/int64.ts";
import type { AuditLog } from "../audit/auditLog.ts";
import type { InstrumentSpec } from "../feed/instrument.ts";
import { RiskGate, type RiskView } from "../risk/riskGate.ts";
import type { RiskLimits } from "../risk/riskLimits.ts";
import type { Fault } from "../sandbox/faults.ts";
import type { HostContext, WorkingOrderView } from "../sandbox/hostContext.ts";
import type { SandboxLimits } from "../sandbox/limits.ts";
import type { PreparedModule } from "../sandbox/preparedModule.ts";
import { Callback, StrategyInstance, type EventCallback } from "../sandbox/strategyInstance.ts";
import { EventQueue } from "../venue/eventQueue.ts";
import type { OrderFields } from "../venue/orderFields.ts";
import { SimVenue } from "../venue/simVenue.ts";
import { MAX_LOG_LINES_PER_CALLBACK } from "../abi/callTable.ts";
import { Timers } from "./timers.ts";
import type { SeriesRecorder, StrategySeries } from "./seriesRecorder.ts";
import type { FuelSink } from "./fuelTrace.ts";

const TWO_32 = 4294967296;

/** Where strategy log lines go (terminal, file, or nowhere). Injected. */
export type LogSink = (strategy: string, level: number, timeNs: number, text: string) => void;

/**
 * What a runner tells the world beyond its own report: live mode forwards
 * these over the order ring to the host (telemetry, cancel-on-disconnect
 * bookkeeping, the run audit chain). Backtests pass none. Called on the hot
 * path: implementations must not allocate.
 */
export interface RunnerObserver {
  /** An order passed risk (result = the id the venue issues it, heard before the venue has it) or was denied (result = -Denial). */
  order(eventIndex: number, o: OrderFields, result: number): void;
  cancel(eventIndex: number, orderId: number, result: number): void;
  /** A Fill/OrderUpdate record the venue produced, at words[at..at+16). */
  venueEvent(eventIndex: number, words: Int32Array, at: number): void;
  fault(f: Fault): void;
  /**
   * A second or later timer or order callback of one market event returned.
   * A strategy may run up to MAX_PENDING_TIMERS timers plus its order
   * updates for one event, within the event's fuel budget (which a
   * deployment may set far above the watchdog's reach): a worker beats its
   * heartbeat here so that chain is seen as progress, not a wedge. (Not
   * after the first: one callback is bounded well under the watchdog, and
   * most events have one order update, so the common path pays nothing.)
   */
  progress?(): void;
}

export interface StrategySpec {
  /** How reports name the strategy (usually the module path). */
  readonly label: string;
  readonly prepared: PreparedModule;
  readonly params: ReadonlyMap<string, number>;
  readonly risk: RiskLimits;
  readonly sandbox: SandboxLimits;
}

export interface FaultReport {
  readonly kind: string;
  readonly atEvent: number;
  readonly callback: string;
  readonly fuelAtFault: number;
  readonly message: string;
}

export interface StrategyReport {
  module: string;
  codeId: string;
  orders: number;
  fills: number;
  rejects: number;
  cancels: number;
  faults: FaultReport[];
  fuelUsed: number;
  maxCallbackFuel: number;
  callbacks: number;
  position: number;
  /** Mark-to-market PnL, integer, in units of 10^-pnlDecimals of the quote currency. */
  pnl: number;
  pnlDecimals: number;
  denials: Record<string, number>;
  logs: number;
  logsDropped: number;
  auditEntries: number;
  auditHash: string;
  instruments: { symbol: string; position: number; cashTicksLots: number; markTicks: number; pnlTicksLots: number }[];
  /** Present when the run asked for time series (reports with charts). */
  series?: StrategySeries;
}

export class StrategyRunner implements HostContext, RiskView {
  readonly instruments: readonly InstrumentSpec[];
  private readonly venue: SimVenue;
  private readonly risk: RiskGate;
  private readonly queue = new EventQueue();
  private readonly timers = new Timers();
  private readonly instance: StrategyInstance | null;
  private readonly scratch = new Int32Array(EVENT_RECORD_WORDS);
  private readonly timerOut = { dueNs: 0, tag: 0 };
  /**
   * Per instrument, the MarketData mask rf_on_market is called for (its bits
   * are the market EventKind values). subscribe writes `nextSubscribed`; it
   * becomes `subscribed` at the next market event, so a change never
   * applies halfway through one.
   */
  private readonly subscribed: Uint8Array;
  private readonly nextSubscribed: Uint8Array;
  private subscriptionsChanged = false;
  private faultRecord: Fault | null = null;
  /** Attach before start() to collect chart series (allocates; reports only). */
  seriesRecorder: SeriesRecorder | null = null;
  /** Attach before start() to record fuel used per market event (flight recorder, replay). */
  fuelTrace: FuelSink | null = null;
  /** Live telemetry: ns per risk check, for the checks sampleNextRisk() asks for (never read by anything that decides). */
  riskNs: { recordValue(v: number): void } | null = null;
  private riskSampleDue = false;

  eventIndex = -1;
  /** Event time in ns relative to originHi * 2^32 (exact below ~104 days). */
  timeNs = 0;
  private originHi = 0;
  // The current event's seq as raw (lo, hi) words: decoded only when an
  // order, cancel or timer needs it, not on every tick.
  private seqLo = 0;
  private seqHi = 0;
  private logsThisCallback = 0;
  private orders = 0;
  private rejects = 0;
  private cancels = 0;
  private callbacks = 0;
  /** Timer and order callbacks run for the current market event (progress beats from the second on). */
  private extraCallbacks = 0;
  private logs = 0;
  private logsDropped = 0;

  constructor(
    readonly spec: StrategySpec,
    instruments: readonly InstrumentSpec[],
    private readonly audit_: AuditLog,
    private readonly runAudit: AuditLog | null,
    private readonly strategyIndex: number,
    private readonly logSink: LogSink,
    private readonly observer: RunnerObserver | null = null,
  ) {
    this.instruments = instruments;
    this.venue = new SimVenue(instruments.length, this.queue);
    this.subscribed = new Uint8Array(instruments.length).fill(MarketData.All);
    this.nextSubscribed = new Uint8Array(instruments.length).fill(MarketData.All);
    this.risk = new RiskGate(spec.risk, this);
    const created = StrategyInstance.create(spec.prepared.module, this, spec.sandbox);
    if (created instanceof StrategyInstance) {
      this.instance = created;
    } else {
      this.instance = null;
      this.quarantine(created);
    }
  }

  get instrumentCount(): number {
    return this.instruments.length;
  }

  get alive(): boolean {
    return this.instance !== null && this.instance.alive;
  }

  get fault(): Fault | null {
    return this.faultRecord;
  }

  /**
   * Runs module init and rf_start. Event time is i64 ns since the epoch
   * (~1.8e18, above 2^53), so the runner keeps time as exact ns relative to
   * an origin — the high word of the first event's time — and converts back
   * to absolute (hi, lo) words whenever the guest sees a time.
   */
  start(firstTimeHi: number, firstTimeLo: number): void {
    this.originHi = firstTimeHi | 0;
    this.timeNs = firstTimeLo >>> 0;
    if (!this.alive) return;
    this.eventIndex = -1;
    this.logsThisCallback = 0;
    this.callbacks++;
    if (!this.instance!.start()) return this.quarantine(this.instance!.fault!);
    this.instance!.beginEvent();
    this.drainQueue();
  }

  /**
   * Handles one Quote/Trade record at `words[at..at+16)`. Hot path. The
   * venue may still read the record afterwards: call keepEvents() before
   * `words` is overwritten or released.
   */
  onMarket(words: Int32Array, at: number, eventIndex: number): void {
    if (!this.alive) return;
    this.extraCallbacks = 0;
    this.instance!.beginEvent();
    if (this.subscriptionsChanged) this.applySubscriptions();
    const fuelBefore = this.fuelTrace === null ? 0 : this.instance!.fuelUsed;
    this.eventIndex = eventIndex;
    this.seqLo = words[at + EventWord.seqLo];
    this.seqHi = words[at + EventWord.seqHi];
    const timeNs = ((words[at + EventWord.timeHi] | 0) - this.originHi) * TWO_32 + (words[at + EventWord.timeLo] >>> 0);
    this.venue.onMarket(words, at);
    if (this.queue.length > 0) this.drainQueue();
    // Fire only the timers already pending: one re-armed from rf_on_timer
    // (even with delay 0) waits for the next market event, so a guest cannot
    // spin the host in an endless chain of cheap timer callbacks.
    for (let due = this.timers.pending; due > 0 && this.alive && this.timers.nextDueNs() <= timeNs; due--) this.fireTimer();
    this.timeNs = timeNs;
    if (!this.alive) return;
    // The venue has seen the event whatever the strategy takes; the guest is
    // called only for market data it subscribed to. (Feeds check that an
    // event's instrument is declared; one that is not reads undefined here
    // and is not delivered, as the venue ignores it too.)
    if ((this.subscribed[words[at + EventWord.instrument]] & words[at + EventWord.kind]) !== 0) {
      this.invoke(Callback.Market, words, at);
      if (this.queue.length > 0) this.drainQueue();
    }
    if (this.seriesRecorder !== null && this.seriesRecorder.tick()) this.samplePoint();
    if (this.fuelTrace !== null) this.fuelTrace.push(this.instance!.fuelUsed - fuelBefore);
  }

  private applySubscriptions(): void {
    this.subscribed.set(this.nextSubscribed);
    this.subscriptionsChanged = false;
  }

  private samplePoint(): void {
    const { position, pnl } = this.markToMarket();
    this.seriesRecorder!.point({ eventIndex: this.eventIndex, timeNs: this.timeNs, position, pnl });
  }

  /** Total position and mark-to-market PnL (units of 10^-pnlDecimals). */
  markToMarket(): { position: number; pnl: number; pnlDecimals: number } {
    let pnlDecimals = 0;
    for (const s of this.instruments) if (s.priceDecimals > pnlDecimals) pnlDecimals = s.priceDecimals;
    let pnl = 0;
    let position = 0;
    for (let i = 0; i < this.instruments.length; i++) {
      const a = this.venue.account(i);
      pnl += (a.cashTicksLots + a.positionLots * this.venue.markPriceTicks(i)) * 10 ** (pnlDecimals - this.instruments[i].priceDecimals);
      position += a.positionLots;
    }
    return { position, pnl, pnlDecimals };
  }

  /** rf_stop after the last event. */
  stop(lastEventIndex: number): void {
    if (!this.alive) return;
    this.eventIndex = lastEventIndex;
    this.logsThisCallback = 0;
    this.callbacks++;
    if (!this.instance!.stop(lastEventIndex)) return this.quarantine(this.instance!.fault!);
    this.queue.clear();
  }

  /**
   * Kill switch from outside (risk officer, supervisor). Halted cancels every
   * working order; the strategy hears about it through rf_on_order. Audited.
   */
  setKillSwitch(state: KillSwitchState): void {
    this.risk.setKillSwitch(state);
    let cancelled = 0;
    if (state === KillSwitchState.Halted) cancelled = this.venue.cancelAll(OrderStatus.CancelledByRisk, this.timeNs, this.seq());
    this.audit("kill_switch", [state, cancelled], 0);
    if (this.alive && this.queue.length > 0) {
      this.instance!.beginEvent();
      this.drainQueue();
    }
    else this.queue.clear();
  }

  /** Times the next risk check into riskNs (live telemetry; nothing when riskNs is null). */
  sampleNextRisk(): void {
    this.riskSampleDue = this.riskNs !== null;
  }

  /** The words given to onMarket so far are about to change: the venue copies what it still reads from them. */
  keepEvents(): void {
    this.venue.keepQuotes();
  }

  /** Disconnect / watchdog from outside: quarantines, cancels working orders, audited. */
  haltFrom(fault: Fault): void {
    if (this.faultRecord !== null) return;
    this.quarantine(fault);
  }

  private invoke(cb: EventCallback, words: Int32Array, at: number): void {
    this.logsThisCallback = 0;
    this.callbacks++;
    if (!this.instance!.deliver(cb, this.eventIndex, words, at)) this.quarantine(this.instance!.fault!);
  }

  private fireTimer(): void {
    const id = this.timers.popFirst(this.timerOut);
    const s = this.scratch;
    clearRecord(s, 0);
    s[EventWord.kind] = EventKind.Timer;
    s[EventWord.seqLo] = this.seqLo;
    s[EventWord.seqHi] = this.seqHi;
    this.writeAbsoluteTime(s, EventWord.timeLo, this.timerOut.dueNs);
    s[EventWord.ref] = id;
    s[EventWord.flags] = this.timerOut.tag;
    this.timeNs = this.timerOut.dueNs;
    this.invoke(Callback.Timer, s, 0);
    if (++this.extraCallbacks > 1) this.observer?.progress?.();
    if (this.queue.length > 0) this.drainQueue();
  }

  /** Delivers every queued fill/order update, including ones the callbacks cause. */
  private drainQueue(): void {
    const q = this.queue;
    for (let i = 0; i < q.length && this.alive; i++) {
      q.copyOut(i, this.scratch, 0);
      // Venue events happen at the current event time; stamp it exactly.
      this.writeAbsoluteTime(this.scratch, EventWord.timeLo, this.timeNs);
      this.observer?.venueEvent(this.eventIndex, this.scratch, 0);
      if (this.seriesRecorder !== null && this.scratch[EventWord.kind] === EventKind.Fill) this.recordFill();
      this.invoke(Callback.Order, this.scratch, 0);
      if (++this.extraCallbacks > 1) this.observer?.progress?.();
    }
    q.clear();
  }

  private quarantine(fault: Fault): void {
    if (this.faultRecord !== null) return;
    this.faultRecord = fault;
    this.observer?.fault(fault);
    this.audit("fault", [fault.atEvent, fault.fuelAtFault], 0, `${fault.kind}: ${fault.message}`);
    const cancelled = this.venue.cancelAll(OrderStatus.CancelledByRisk, this.timeNs, this.seq());
    this.audit("quarantine", [cancelled], 0, "working orders cancelled");
    this.queue.clear();
    this.timers.clear();
  }

  private recordFill(): void {
    const s = this.scratch;
    this.seriesRecorder!.fill({
      eventIndex: this.eventIndex, timeNs: this.timeNs, instrument: s[EventWord.instrument], side: s[EventWord.flags],
      priceTicks: readI64(s, EventWord.priceLo), qtyLots: readI64(s, EventWord.qtyLo),
    });
  }

  private seq(): number {
    return joinI64(this.seqLo, this.seqHi);
  }

  /** Writes origin + rel as an absolute i64 ns time into words[w], words[w+1]. */
  writeAbsoluteTime(words: Int32Array, w: number, rel: number): void {
    const carry = Math.floor(rel / TWO_32);
    words[w] = rel - carry * TWO_32;
    words[w + 1] = this.originHi + carry;
  }

  // ---- HostContext: what the call table may do --------------------------------

  submitOrder(order: OrderFields): number {
    let denial: number;
    // Timing costs two clock reads and a histogram update: only the check
    // after each sampleNextRisk() is timed. hrtime, not performance.now(): a
    // cold read costs ~0.1 µs against ~0.3 µs, and this one is on the
    // order's path.
    if (!this.riskSampleDue) denial = this.risk.check(order, this.timeNs);
    else {
      this.riskSampleDue = false;
      const t0 = process.hrtime.bigint();
      denial = this.risk.check(order, this.timeNs);
      this.riskNs!.recordValue(Math.max(1, Number(process.hrtime.bigint() - t0)));
    }
    if (denial !== 0) {
      this.rejects++;
      this.observer?.order(this.eventIndex, order, -denial);
      return -denial;
    }
    this.orders++;
    // The order leaves (to the host, which stands for the venue's gateway)
    // as soon as risk passes; the simulated venue's own bookkeeping (its
    // book, an immediate fill, queued for rf_on_order) and the call table's
    // audit append come after. Waiting for the SHA-256 append first
    // measured p50 0.98 -> 2.44 us tick-to-order; the venue's submit is
    // 60-80 ns. The host logs every order it receives in its own chain
    // (hostAuditHash), so a worker dying in between loses nothing from the
    // record. The id is the venue's next: risk admitted the instrument, so
    // submit cannot refuse it.
    const id = this.venue.nextId;
    this.observer?.order(this.eventIndex, order, id);
    const placed = this.venue.submit(order, this.timeNs, this.seq());
    if (placed !== id) throw new Error(`StrategyRunner: venue refused order ${id} (${placed}) that the risk gate admitted`);
    return id;
  }

  cancelOrder(orderId: number): number {
    const r = this.venue.cancel(orderId, this.timeNs, this.seq());
    if (r === HostStatus.Ok) this.cancels++;
    this.observer?.cancel(this.eventIndex, orderId, r);
    return r;
  }

  positionLots(i: number): number {
    return this.venue.account(i).positionLots;
  }
  cashTicksLots(i: number): number {
    return this.venue.account(i).cashTicksLots;
  }
  workingBuyLots(i: number): number {
    return this.venue.account(i).workingBuyLots;
  }
  workingSellLots(i: number): number {
    return this.venue.account(i).workingSellLots;
  }
  workingOrderCount(i: number): number {
    return this.venue.account(i).workingOrders;
  }
  fillCount(i: number): number {
    return this.venue.account(i).fills;
  }
  workingOrders(): number {
    return this.venue.workingOrderCount;
  }
  referencePriceTicks(i: number): number {
    return this.venue.referencePriceTicks(i);
  }

  visitWorkingOrders(visit: (orderId: number, o: Readonly<WorkingOrderView>) => boolean): void {
    for (const o of this.venue.workingOrders()) if (!visit(o.orderId, o)) return;
  }

  setTimer(delayNs: number, tag: number): number {
    return this.timers.set(this.timeNs + delayNs, tag);
  }

  cancelTimer(timerId: number): number {
    return this.timers.cancel(timerId);
  }

  subscribe(instrument: number, kinds: number): number {
    if (instrument === ALL_INSTRUMENTS) this.nextSubscribed.fill(kinds);
    else this.nextSubscribed[instrument] = kinds;
    this.subscriptionsChanged = true;
    return HostStatus.Ok;
  }

  param(key: string): number | undefined {
    return this.spec.params.get(key);
  }

  log(level: number, text: string): number {
    if (this.logsThisCallback >= MAX_LOG_LINES_PER_CALLBACK) {
      this.logsDropped++;
      return HostStatus.LogDropped;
    }
    this.logsThisCallback++;
    this.logs++;
    this.logSink(this.spec.label, level, this.timeNs, text);
    return HostStatus.Ok;
  }

  /** Reused for every append: the log encodes an entry at once and keeps nothing of it. */
  private readonly entry: { eventIndex: number; timeNs: number; call: string; args: readonly number[]; result: number; detail: string | undefined } = {
    eventIndex: 0, timeNs: 0, call: "", args: [], result: 0, detail: undefined,
  };

  audit(call: string, args: readonly number[], result: number, detail?: string): void {
    const entry = this.entry;
    entry.eventIndex = this.eventIndex;
    entry.timeNs = this.timeNs;
    entry.call = call;
    entry.args = args;
    entry.result = result;
    entry.detail = detail;
    this.audit_.append(entry);
    this.runAudit?.append(entry, this.strategyIndex);
  }

  // ---- report ------------------------------------------------------------------

  report(): StrategyReport {
    const { position, pnl, pnlDecimals } = this.markToMarket();
    const instruments = this.instruments.map((spec, i) => {
      const a = this.venue.account(i);
      const markTicks = this.venue.markPriceTicks(i);
      return { symbol: spec.symbol, position: a.positionLots, cashTicksLots: a.cashTicksLots, markTicks, pnlTicksLots: a.cashTicksLots + a.positionLots * markTicks };
    });
    const denials: Record<string, number> = {};
    this.risk.denials.forEach((n, code) => {
      if (n > 0) denials[DenialName[code] ?? String(code)] = n;
    });
    const f = this.faultRecord;
    return {
      module: this.spec.label,
      codeId: this.spec.prepared.codeId,
      orders: this.orders,
      fills: this.venue.stats.fills,
      rejects: this.rejects,
      cancels: this.cancels,
      faults: f ? [{ kind: f.kind, atEvent: f.atEvent, callback: f.callback, fuelAtFault: f.fuelAtFault, message: f.message }] : [],
      fuelUsed: this.instance?.fuelUsed ?? 0,
      maxCallbackFuel: this.instance?.maxCallbackFuel ?? 0,
      callbacks: this.callbacks,
      position,
      pnl,
      pnlDecimals,
      denials,
      logs: this.logs,
      logsDropped: this.logsDropped,
      auditEntries: this.audit_.count,
      auditHash: this.audit_.headHex,
      instruments,
      ...(this.seriesRecorder ? { series: this.seriesRecorder.series } : {}),
    };
  }
}
