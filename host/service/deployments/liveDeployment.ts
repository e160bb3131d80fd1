/**
 * One paper-trading deployment: a strategy on its own strategy worker,
 * behind the broadcast ring, driven by the supervisor (host/live), fed by
 * an open-ended synthetic market published at a steady, modest rate. It runs
 * until halted (or until its strategy faults).
 *
 * The server's event loop stays free: a timer publishes what is due every
 * TICK_MS, drains the order ring (again FOLLOW_UP_DRAIN_MS later, when it
 * published) and checks the watchdog; the worker parks (wait "block")
 * between events. Tick-to-order latency is measured as the host sees it, so
 * it includes up to one drain interval. Every TICK_MS * AUDIT_EVERY_TICKS the
 * supervisor's audit entries (orders, cancels, faults, kill switches, as
 * the host saw them) are copied to the deployment's chain in the store, in
 * one transaction; a crash loses at most that window of them, and the
 * stored chain stays a valid prefix.
 *
 * Halting: the kill switch is set to Halted in the shared control block,
 * and the feed goes on until the worker's reader has passed the event
 * published after it — the worker applies a kill switch before the batch it
 * polls next, so by then the strategy's working orders are cancelled. Only
 * then is the worker stopped and its final report taken.
 */
import { EVENT_RECORD_WORDS, EventWord } from "../../abi/eventRecord.ts";
import { EventKind, KillSwitchState } from "../../abi/codes.ts";
import { decodeEntry } from "../../audit/auditEncoding.ts";
import type { StrategySpec } from "../../engine/strategyRunner.ts";
import { SYNTHETIC_MAX_EVENTS, SyntheticFeed } from "../../feed/synthetic.ts";
import { percentiles } from "../../live/telemetry.ts";
import { Supervisor } from "../../live/supervisor.ts";
import { RingPolicy } from "../../ring/broadcastLayout.ts";
import type { DeploymentFinal, FeedSpec } from "../store/records.ts";

const TICK_MS = 20;
const AUDIT_EVERY_TICKS = 25;
/** A second drain this soon after publishing, so tick→order latency is not the tick period. */
const FOLLOW_UP_DRAIN_MS = 1;
const PUBLISH_BATCH = 256;
/** Events published per tick while halting, whatever the rate, so the worker reaches the kill switch promptly. */
const HALT_EVENTS_PER_TICK = 4;
const TWO_32 = 4294967296;

export interface LiveSnapshot {
  readonly eventsPublished: number;
  readonly orders: number;
  readonly denials: number;
  readonly cancels: number;
  readonly fills: number;
  readonly workingOrders: number;
  readonly position: number;
  /** Mark-to-market estimate (cash + position × last mid), units of 10^-pnlDecimals. */
  readonly pnl: number;
  readonly pnlDecimals: number;
  readonly tickToOrderUs: { readonly p50: number; readonly p99: number; readonly p999: number; readonly samples: number };
  readonly ringLag: number;
  readonly maxRingLag: number;
  readonly gapRecords: number;
  readonly fault: string | null;
}

/** Where the deployment's audit entries go (the store, batched by the caller). */
export type AuditSink = (entries: { call: string; eventIndex: number; timeNs: number; args: number[]; result: number; detail?: string; strategy?: number }[]) => Promise<void>;

export interface LiveDeploymentOptions {
  readonly spec: StrategySpec;
  readonly feed: FeedSpec;
  readonly workerScript: string;
  readonly audit: AuditSink;
  /** Called once when the strategy faults or its worker dies (not after a halt). */
  readonly onFailure: (why: string) => void;
  readonly nowMs: () => number;
}

export class LiveDeployment {
  private readonly sup: Supervisor;
  private readonly feed: SyntheticFeed;
  private readonly pending = new Int32Array(PUBLISH_BATCH * EVENT_RECORD_WORDS);
  private pendingAt = 0;
  private pendingCount = 0;
  private readonly startedAtMs: number;
  private readonly timer: NodeJS.Timeout;
  private ticks = 0;
  /** Entries of the host chain already handed to the store. */
  private auditFlushed = 0;
  private auditFlush: Promise<void> = Promise.resolve();
  private markTicks = 0;
  private haltAt = -1;
  private haltDone: ((f: DeploymentFinal) => void) | null = null;
  private haltPromise: Promise<DeploymentFinal> | null = null;
  private failed = false;
  private workingAtHalt = 0;
  private stopping = false;
  readonly pnlDecimals: number;

  constructor(private readonly o: LiveDeploymentOptions) {
    this.feed = new SyntheticFeed({ seed: o.feed.seed, events: SYNTHETIC_MAX_EVENTS, instruments: o.feed.instruments });
    const instruments = this.feed.header.instruments;
    this.pnlDecimals = instruments[0].priceDecimals;
    this.sup = new Supervisor({
      strategies: [o.spec], instruments, workers: 1, wait: "block", policy: RingPolicy.Live,
      ringCapacity: 4096, orderRingBytes: 1 << 20, totalEvents: -1, watchdogMs: 5000, workerScript: o.workerScript,
      keepAudit: true, // streamed to the store by flushAudit(), then released
    });
    this.startedAtMs = o.nowMs();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  get halting(): boolean {
    return this.haltPromise !== null;
  }

  snapshot(): LiveSnapshot {
    const t = this.sup.telemetry;
    const s = t.strategies[0];
    const p = percentiles(t.tickToOrder);
    const us = (ns: number) => Math.round(ns / 100) / 10;
    return {
      eventsPublished: t.eventsPublished, orders: s.orders, denials: s.denials, cancels: s.cancels, fills: s.fills,
      workingOrders: s.working.size, position: s.position,
      // One instrument (feeds.ts): cash and position are that instrument's, and PnL is exact up to the mark.
      pnl: s.cashTicksLots + s.position * this.markTicks, pnlDecimals: this.pnlDecimals,
      tickToOrderUs: { p50: us(p.p50Ns), p99: us(p.p99Ns), p999: us(p.p999Ns), samples: p.samples },
      ringLag: Math.max(0, this.sup.publisher.lag(0)), maxRingLag: t.maxRingLag, gapRecords: t.gapRecords, fault: s.fault,
    };
  }

  /** Sets the kill switch and resolves with the final report once the worker applied it and stopped. */
  halt(): Promise<DeploymentFinal> {
    if (this.haltPromise === null) {
      this.sup.pump();
      this.workingAtHalt = this.sup.telemetry.strategies[0].working.size;
      this.haltAt = this.sup.publisher.published;
      this.sup.setKillSwitch(0, KillSwitchState.Halted);
      this.haltPromise = new Promise((resolve) => (this.haltDone = resolve));
    }
    return this.haltPromise;
  }

  private tick(): void {
    if (this.stopping) return;
    const elapsedMs = this.o.nowMs() - this.startedAtMs;
    const published = this.sup.publisher.published;
    let due = Math.floor((elapsedMs / 1000) * this.o.feed.ratePerSec) - published;
    if (this.halting) due = Math.max(due, HALT_EVENTS_PER_TICK);
    while (due > 0) {
      if (this.pendingCount === 0) {
        this.pendingCount = this.feed.fill(this.pending, 0, Math.min(PUBLISH_BATCH, due));
        this.pendingAt = 0;
        if (this.pendingCount === 0) break;
      }
      const n = this.sup.publish(this.pending, this.pendingAt * EVENT_RECORD_WORDS, Math.min(this.pendingCount, due));
      if (n === 0) break;
      this.trackMark(this.pendingAt, n);
      this.pendingAt += n;
      this.pendingCount -= n;
      due -= n;
    }
    this.sup.pump();
    if (this.sup.publisher.published !== published) setTimeout(() => this.stopping || this.sup.pump(), FOLLOW_UP_DRAIN_MS).unref();
    this.sup.checkHealth();
    if (++this.ticks % AUDIT_EVERY_TICKS === 0) this.flushAudit();

    // A strategy fault, a dead worker and the watchdog all show as the strategy's fault (supervisor.ts).
    const fault = this.sup.telemetry.strategies[0].fault;
    if (this.halting) {
      const readerPassedHalt = this.sup.publisher.published - this.sup.publisher.lag(0) > this.haltAt;
      if (readerPassedHalt || fault !== null) void this.finish();
    } else if (fault !== null && !this.failed) {
      this.failed = true;
      this.o.onFailure(fault);
    }
  }

  /** Last mid (or trade) price of instrument 0, for the live PnL estimate. */
  private trackMark(first: number, n: number): void {
    for (let i = first + n - 1; i >= first; i--) {
      const w = i * EVENT_RECORD_WORDS;
      const kind = this.pending[w + EventWord.kind];
      const price = (this.pending[w + EventWord.priceLo] >>> 0) + this.pending[w + EventWord.priceHi] * TWO_32;
      if (kind === EventKind.Quote) {
        const ask = (this.pending[w + EventWord.price2Lo] >>> 0) + this.pending[w + EventWord.price2Hi] * TWO_32;
        this.markTicks = Math.floor((price + ask) / 2);
        return;
      }
      if (kind === EventKind.Trade) {
        this.markTicks = price;
        return;
      }
    }
  }

  /** Copies the supervisor's new audit entries to the store (serialized: one flush at a time). */
  private flushAudit(): Promise<void> {
    // Only the entries not flushed yet (a flush must not re-read the whole log).
    const batch: Parameters<AuditSink>[0] = [];
    this.sup.audit.visitEntries(this.auditFlushed, (bytes) => {
      const d = decodeEntry(bytes);
      if (typeof d === "string") return; // cannot happen: the supervisor's own encoding
      const { seq: _seq, ...entry } = d;
      batch.push({ ...entry, args: [...entry.args] });
    });
    this.auditFlushed = this.sup.audit.count;
    // The store has them now (the batch holds copies): the supervisor's
    // chain keeps only what is not flushed yet, so a deployment that runs for
    // days does not grow by every entry it ever made.
    this.sup.audit.release(this.auditFlushed);
    if (batch.length === 0) return this.auditFlush;
    this.auditFlush = this.auditFlush.then(() => this.o.audit(batch)).catch(() => undefined);
    return this.auditFlush;
  }

  private async finish(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.timer);
    const dones = await this.sup.stop();
    await this.flushAudit();
    const t = this.sup.telemetry.strategies[0];
    const r = dones.flatMap((d) => d.reports)[0];
    const final: DeploymentFinal = {
      events: this.sup.telemetry.eventsPublished,
      orders: r?.orders ?? t.orders, fills: r?.fills ?? t.fills, cancels: r?.cancels ?? t.cancels, position: r?.position ?? t.position,
      pnl: r?.pnl ?? 0, pnlDecimals: r?.pnlDecimals ?? this.pnlDecimals,
      fault: t.fault ?? (r?.faults[0] ? `${r.faults[0].kind}: ${r.faults[0].message}` : null),
      strategyAuditHash: r?.auditHash ?? "",
      workingAtHalt: this.workingAtHalt,
      workingAfter: t.working.size,
    };
    this.haltDone?.(final);
  }
}
