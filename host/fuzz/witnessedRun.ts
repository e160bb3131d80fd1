/**
 * A backtest with witnesses: the same loop as host/backtest/backtest.ts
 * (test/unit/fuzz/witnessedRun.test.ts checks the reports are identical),
 * plus per-strategy observers that see what the reports alone cannot:
 *
 *   - every HostContext call the call table makes (so the audit chain can be
 *     checked to hold every host call, counted independently of the audit);
 *   - every risk-gate decision and every order the venue receives (so an
 *     order that reaches the venue without a passing check is caught in the
 *     act, not inferred from totals);
 *   - every callback delivery (so a market event delivered twice, out of
 *     order, with the wrong record, not at all to a live strategy that
 *     subscribed to it, or to one that did not, shows);
 *   - linear memory at the end (it never shrinks, so the end is the peak).
 *
 * The engine offers no hooks for the last three, so the witness wraps the
 * runner's private risk gate, venue and sandbox instance on that one object
 * (own properties shadowing the prototype methods; nothing global changes).
 * If a field is renamed the witness fails loudly instead of silently
 * checking nothing. Fuzzing harness only: allocates per call.
 */
import { MAX_PENDING_TIMERS } from "../abi/callTable.ts";
import { ALL_INSTRUMENTS, EventKind, MarketData } from "../abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { AuditLog } from "../audit/auditLog.ts";
import type { BacktestRun } from "../backtest/backtest.ts";
import { buildRunChain } from "../backtest/runChain.ts";
import { StrategyRunner, type StrategySpec } from "../engine/strategyRunner.ts";
import type { Recording } from "../feed/recording.ts";
import { Callback } from "../sandbox/strategyInstance.ts";
import type { OrderFields } from "../venue/orderFields.ts";
import { Invariant, type Violation } from "./violation.ts";

/** HostContext methods that map one-to-one onto a host call, by host call name. */
export const WITNESSED_CALLS = {
  submit_order: "submitOrder",
  cancel_order: "cancelOrder",
  set_timer: "setTimer",
  cancel_timer: "cancelTimer",
  log: "log",
  param: "param",
  read_orders: "visitWorkingOrders",
} as const;
export type WitnessedCall = keyof typeof WITNESSED_CALLS;

/**
 * Callbacks one strategy may get within one market event before the witness
 * stops the run: far above any legitimate cascade (the order throttle bounds
 * fills, MAX_PENDING_TIMERS bounds timers), low enough that a host loop the
 * guest controls is reported in a fraction of a second instead of hanging
 * the case (and below MAX_AUDITED_CALLS_PER_RUN, so it is named as such).
 */
export const RUNAWAY_CALLBACKS_PER_EVENT = 10_000;

/** Thrown out of the run (and caught by caseRunner.ts) when a strategy's callbacks ran away within one event. */
export class RunawayHostLoop extends Error {
  override name = "RunawayHostLoop";
}

/**
 * Audited host calls one strategy may make in one run before the witness
 * stops it as too expensive to fuzz. Each call costs the host several µs
 * under the witness (validation, risk, venue, audit and the witness's own
 * wrappers) but only 10–200 fuel, so a guest can
 * keep a run busy for minutes within its fuel budget (docs/fuzzing.md).
 * Such a case is counted, not checked: it says nothing about isolation and
 * would hold a worker for the whole campaign.
 */
export const MAX_AUDITED_CALLS_PER_RUN = 20_000;

/** Thrown out of the run (and caught by caseRunner.ts) when a strategy exceeds MAX_AUDITED_CALLS_PER_RUN. */
export class CaseTooExpensive extends Error {
  override name = "CaseTooExpensive";
}

export interface StrategyWitness {
  /** Times the call table reached the runner for each host call. */
  readonly contextCalls: Record<WitnessedCall, number>;
  /** Orders the venue received. */
  venueSubmits: number;
  /** Risk checks that passed. */
  riskPassed: number;
  /** Market callbacks delivered. */
  marketCallbacks: number;
  /**
   * The witness's own model of the strategy's subscriptions, from the
   * subscribe calls that reached the runner: the MarketData mask per
   * instrument in force, and the one set for the next market event.
   */
  readonly subscribed: Uint8Array;
  readonly nextSubscribed: Uint8Array;
  /** Most timer callbacks delivered within one market event. */
  maxTimerCallbacksPerEvent: number;
  /** Linear memory at the end of the run, bytes (-1: never instantiated). */
  memoryBytes: number;
  /** Most fuel the sandbox counted for one market event (its timers, market callback and order updates). */
  maxEventFuel: number;
  readonly problems: Violation[];
}

export interface WitnessedRun {
  readonly run: BacktestRun;
  readonly witnesses: readonly StrategyWitness[];
}

const discardLogs = (): void => {};

/** runBacktest with witnesses. Throws only what runBacktest would throw (a host bug). */
export function runWitnessed(recording: Recording, strategies: readonly StrategySpec[]): WitnessedRun {
  const instruments = recording.header.instruments;
  const logs = strategies.map((s) => new AuditLog(`strategy:${s.prepared.codeId}`));
  const runners = strategies.map((s, i) => new StrategyRunner(s, instruments, logs[i], null, i, discardLogs));
  const cursor = { marketEvent: -1 };
  const witnesses = runners.map((r) => attachWitness(r, recording, cursor, instruments.length));
  const words = recording.events;
  const n = recording.count;
  for (const r of runners) r.start(n > 0 ? words[EventWord.timeHi] : 0, n > 0 ? words[EventWord.timeLo] : 0);
  for (let e = 0; e < n; e++) {
    const at = e * EVENT_RECORD_WORDS;
    const kind = words[at + EventWord.kind];
    if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
    cursor.marketEvent = e;
    const instrument = words[at + EventWord.instrument];
    for (let s = 0; s < runners.length; s++) {
      const w = witnesses[s];
      const before = w.marketCallbacks;
      w.subscribed.set(w.nextSubscribed);
      const wanted = (w.subscribed[instrument] & kind) !== 0 ? 1 : 0;
      const fuelBefore = fuelOf(runners[s]);
      runners[s].onMarket(words, at, e);
      // The sandbox's own count, the faulting event's included (the runner's fuel trace skips it).
      const eventFuel = fuelOf(runners[s]) - fuelBefore;
      if (eventFuel > w.maxEventFuel) w.maxEventFuel = eventFuel;
      // A strategy that is alive after the event must have been handed it
      // exactly once if it subscribed to it, and not at all if it did not.
      if (runners[s].alive && w.marketCallbacks !== before + wanted) {
        w.problems.push({
          invariant: Invariant.Events,
          message: `strategy ${s} survived market event ${e} (instrument ${instrument}, kind ${kind}, ${wanted ? "subscribed" : "not subscribed"}) but received it ${w.marketCallbacks - before} times`,
        });
      }
    }
  }
  cursor.marketEvent = -1;
  for (const r of runners) r.stop(n);
  for (let s = 0; s < runners.length; s++) witnesses[s].memoryBytes = memoryOf(runners[s]);
  const reports = runners.map((r) => r.report());
  const runAudit = buildRunChain(reports, n);
  return {
    run: { report: { events: n, auditHash: runAudit.headHex, strategies: reports }, auditLogs: [runAudit, ...logs] },
    witnesses,
  };
}

// ---- the wrapping --------------------------------------------------------------

interface RunnerInternals {
  risk?: { check?: (o: OrderFields, timeNs: number) => number };
  venue?: { submit?: (o: OrderFields, timeNs: number, seq: number) => number };
  instance?: null | {
    deliver?: (cb: string, eventIndex: number, words: Int32Array, at: number) => boolean;
    memoryBytes?: number;
    fuelUsed?: number;
  };
}

function internals(runner: StrategyRunner): RunnerInternals {
  return runner as unknown as RunnerInternals;
}

function missing(what: string): never {
  throw new Error(`fuzz witness: StrategyRunner has no ${what} (renamed? update host/fuzz/witnessedRun.ts)`);
}

function attachWitness(runner: StrategyRunner, recording: Recording, cursor: { marketEvent: number }, instruments: number): StrategyWitness {
  const w: StrategyWitness = {
    contextCalls: { submit_order: 0, cancel_order: 0, set_timer: 0, cancel_timer: 0, log: 0, param: 0, read_orders: 0 },
    venueSubmits: 0,
    riskPassed: 0,
    marketCallbacks: 0,
    subscribed: new Uint8Array(instruments).fill(MarketData.All),
    nextSubscribed: new Uint8Array(instruments).fill(MarketData.All),
    maxTimerCallbacksPerEvent: 0,
    memoryBytes: -1,
    maxEventFuel: 0,
    problems: [],
  };
  const self = runner as unknown as Record<string, (...a: unknown[]) => unknown>;
  const audit = self.audit;
  if (typeof audit !== "function") missing("HostContext method audit");
  let audited = 0;
  // Counted here, enforced at the next callback: audit runs inside host calls, where a throw
  // would unwind the guest and be recorded as that strategy's fault instead of stopping the run.
  self.audit = (...args: unknown[]) => {
    audited++;
    return audit.apply(runner, args);
  };
  for (const [call, method] of Object.entries(WITNESSED_CALLS) as [WitnessedCall, string][]) {
    const original = self[method];
    if (typeof original !== "function") missing(`HostContext method ${method}`);
    self[method] = (...args: unknown[]) => {
      w.contextCalls[call]++;
      return original.apply(runner, args);
    };
  }

  // Subscriptions as the call table hands them over (both arguments checked there).
  const subscribe = self.subscribe;
  if (typeof subscribe !== "function") missing("HostContext method subscribe");
  self.subscribe = (...args: unknown[]) => {
    const [instrument, kinds] = args as [number, number];
    if (instrument === ALL_INSTRUMENTS) w.nextSubscribed.fill(kinds);
    else w.nextSubscribed[instrument] = kinds;
    return subscribe.apply(runner, args);
  };

  const inner = internals(runner);
  const risk = inner.risk ?? missing("risk gate field 'risk'");
  const venue = inner.venue ?? missing("venue field 'venue'");
  const check = risk.check ?? missing("risk.check");
  const submit = venue.submit ?? missing("venue.submit");
  // The order object the gate last passed; the venue must receive exactly that one, once.
  let passed: OrderFields | null = null;
  risk.check = (o: OrderFields, timeNs: number): number => {
    const denial = check.call(risk, o, timeNs);
    passed = denial === 0 ? o : null;
    if (denial === 0) w.riskPassed++;
    return denial;
  };
  venue.submit = (o: OrderFields, timeNs: number, seq: number): number => {
    if (passed !== o) {
      w.problems.push({ invariant: Invariant.RiskGate, message: `an order reached the venue without passing the risk gate (instrument ${o.instrument}, qty ${o.qtyLots})` });
    }
    passed = null;
    w.venueSubmits++;
    return submit.call(venue, o, timeNs, seq);
  };

  const instance = inner.instance;
  if (instance === undefined) missing("sandbox field 'instance'");
  if (instance !== null) {
    const deliver = instance.deliver ?? missing("instance.deliver");
    let event = -2;
    let callbacks = 0;
    let timers = 0;
    instance.deliver = (cb: string, eventIndex: number, words: Int32Array, at: number): boolean => {
      if (cursor.marketEvent !== event) {
        event = cursor.marketEvent;
        callbacks = timers = 0;
      }
      if (++callbacks > RUNAWAY_CALLBACKS_PER_EVENT) {
        throw new RunawayHostLoop(`the engine called ${cb} back ${RUNAWAY_CALLBACKS_PER_EVENT} times within market event ${event} and was still going: a host loop the guest controls`);
      }
      if (audited > MAX_AUDITED_CALLS_PER_RUN) throw new CaseTooExpensive(`more than ${MAX_AUDITED_CALLS_PER_RUN} audited host calls in one run`);
      if (cb === Callback.Timer && ++timers > w.maxTimerCallbacksPerEvent) {
        w.maxTimerCallbacksPerEvent = timers;
        if (timers === MAX_PENDING_TIMERS + 1) {
          w.problems.push({ invariant: Invariant.Resources, message: `more than ${MAX_PENDING_TIMERS} timer callbacks within market event ${event}: fuel per event is not bounded (each gets a full budget)` });
        }
      }
      if (cb === Callback.Market) {
        w.marketCallbacks++;
        const e = cursor.marketEvent;
        if (eventIndex !== e || words !== recording.events || at !== e * EVENT_RECORD_WORDS) {
          w.problems.push({ invariant: Invariant.Events, message: `rf_on_market for event ${eventIndex} was handed record ${at / EVENT_RECORD_WORDS} while event ${e} was being delivered` });
        }
      }
      return deliver.call(instance, cb, eventIndex, words, at);
    };
  }
  return w;
}

/** Fuel the strategy's sandbox has counted so far (0 before it is instantiated). */
function fuelOf(runner: StrategyRunner): number {
  const instance = internals(runner).instance;
  if (!instance) return 0;
  if (typeof instance.fuelUsed !== "number") missing("instance.fuelUsed");
  return instance.fuelUsed;
}

function memoryOf(runner: StrategyRunner): number {
  const instance = internals(runner).instance;
  if (instance === null || instance === undefined) return -1;
  const bytes = instance.memoryBytes;
  if (typeof bytes !== "number") missing("instance.memoryBytes");
  return bytes;
}
