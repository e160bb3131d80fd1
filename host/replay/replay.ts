/**
 * `ringfence replay SESSION`: re-executes every strategy of a recorded live
 * session, instance by instance — the original of its worker and, after
 * each restart, the fresh instance from the event it started at — and
 * checks each decision against the recording.
 *
 * An instance that stopped cleanly is checked in full from its own capture:
 * the exact events its worker consumed (gaps included), the kill-switch
 * changes at the events they applied, then the same host calls with the same
 * arguments and results, the same fuel per event, the same audit hash.
 *
 * An instance whose worker died has no capture. It is re-executed over the
 * events its reader had taken when it died (its start, its lap gaps and its
 * final cursor are in the session), and the orders and cancels it makes must
 * begin with exactly the ones the host received from it (the host chain):
 * every decision that left it is checked; its other host calls and fuel are
 * not, and the result says so (`complete: false`). If the host changed its
 * kill switch while it ran, when it applied the change is unknown and it is
 * not checked at all (`missing-capture`).
 *
 * The first divergence is named (strategy, instance, event index, expected
 * vs actual).
 */
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { EventKind, KillSwitchState } from "../abi/codes.ts";
import { encodeAuditFile } from "../audit/auditFile.ts";
import { readAuditChains } from "../audit/auditChains.ts";
import type { DecodedAuditEntry } from "../audit/auditEncoding.ts";
import { AuditLog } from "../audit/auditLog.ts";
import { InputError } from "../cli/errors.ts";
import { FuelTrace } from "../engine/fuelTrace.ts";
import { StrategyRunner, type RunnerObserver, type StrategySpec } from "../engine/strategyRunner.ts";
import type { InstanceCapture } from "../live/liveRun.ts";
import { riskLimits } from "../risk/riskLimits.ts";
import { MAX_FUEL_PER_EVENT, sandboxLimits } from "../sandbox/limits.ts";
import { prepareModule } from "../sandbox/preparedModule.ts";
import { captureKey, type Session, type SessionStrategy, type StrategyCapture } from "./session.ts";

export interface Divergence {
  readonly what: "call" | "fuel" | "missing-capture";
  /** The worker instance: 0 the original, k the fresh instance after restart k. */
  readonly instance: number;
  readonly eventIndex: number;
  readonly expected: string;
  readonly actual: string;
}

/**
 * full: every host call, fuel per event and the audit hash were checked.
 * host-orders: died without a capture; the orders and cancels the host received were checked.
 * never-ran: died before its poll loop began (no event, no decision).
 * none: nothing could be checked (see the divergence).
 */
export type Coverage = "full" | "host-orders" | "never-ran" | "none";

export interface InstanceReplay {
  readonly instance: number;
  readonly worker: number;
  /** First event index it could see. */
  readonly startAt: number;
  readonly coverage: Coverage;
  readonly ok: boolean;
  /** Host calls compared (full), or orders and cancels compared (host-orders). */
  readonly calls: number;
  readonly fuelEvents: number;
  /** Its audit chain's head (full coverage only). */
  readonly auditHash: string;
  /** What was not checked, when coverage is not full. */
  readonly note?: string;
  readonly divergence?: Divergence;
}

export interface StrategyReplay {
  readonly index: number;
  readonly label: string;
  readonly ok: boolean;
  /** Every instance checked in full. */
  readonly complete: boolean;
  /** Sums over its instances. */
  readonly calls: number;
  readonly fuelEvents: number;
  /** The audit hash of its last fully checked instance ("" if none). */
  readonly auditHash: string;
  /** The first divergence over its instances, in instance order. */
  readonly divergence?: Divergence;
  readonly instances: InstanceReplay[];
}

export interface ReplayResult {
  /** No divergence, and every instance checked at least as far as the capture allows. */
  readonly ok: boolean;
  /** Every instance of every strategy checked in full. */
  readonly complete: boolean;
  readonly events: number;
  readonly strategies: StrategyReplay[];
}

export function describeCall(e: DecodedAuditEntry | HostDecision | undefined): string {
  if (!e) return "(no call)";
  return `${e.call}(${e.args.join(",")}) = ${e.result}${e.detail !== undefined ? ` [${e.detail.slice(0, 80)}]` : ""}`;
}

function sameEntry(a: DecodedAuditEntry, b: DecodedAuditEntry): boolean {
  return a.eventIndex === b.eventIndex && a.timeNs === b.timeNs && a.call === b.call && a.result === b.result &&
    a.detail === b.detail && a.args.length === b.args.length && a.args.every((v, i) => Object.is(v, b.args[i]));
}

/** An order or cancel as the host chain records it (`order(instrument,side,type,tif,price,qty,tag) = id|-denial`, `cancel(id) = status`). */
interface HostDecision {
  readonly eventIndex: number;
  readonly call: "order" | "cancel";
  readonly args: readonly number[];
  readonly result: number;
  readonly detail?: undefined;
}

function sameDecision(a: HostDecision, b: HostDecision): boolean {
  return a.eventIndex === b.eventIndex && a.call === b.call && a.result === b.result && a.args.length === b.args.length && a.args.every((v, i) => Object.is(v, b.args[i]));
}

export function replaySession(session: Session): ReplayResult {
  const { meta } = session;
  const decisions = session.hostAudit ? hostDecisions(session.hostAudit) : null;
  const strategies = meta.strategies.map((s): StrategyReplay => {
    const mine = meta.instances.filter((x) => x.strategies.includes(s.index)).sort((a, b) => a.instance - b.instance);
    const instances = mine.map((x): InstanceReplay => {
      const cap = session.captures.get(captureKey(s.index, x.instance));
      if (x.ranges !== undefined && cap) return replayCaptured(session, s, x, cap);
      if (x.death && decisions) return replayHostView(session, s, x, decisions.get(captureKey(s.index, x.instance)) ?? []);
      return missing(x, "none (its worker died before reporting)");
    });
    if (instances.length === 0) instances.push(missing({ worker: s.worker, instance: 0, startAt: 0, strategies: [s.index] }, "none (its worker died before reporting)"));
    const full = instances.filter((i) => i.coverage === "full");
    return {
      index: s.index, label: s.label, ok: instances.every((i) => i.ok), complete: instances.every((i) => i.coverage === "full"),
      calls: instances.reduce((n, i) => n + i.calls, 0), fuelEvents: instances.reduce((n, i) => n + i.fuelEvents, 0),
      auditHash: full.length > 0 ? full[full.length - 1].auditHash : "",
      divergence: instances.find((i) => i.divergence)?.divergence, instances,
    };
  });
  return { ok: strategies.every((s) => s.ok), complete: strategies.every((s) => s.complete), events: meta.events, strategies };
}

function missing(x: InstanceCapture, actual: string): InstanceReplay {
  return {
    instance: x.instance, worker: x.worker, startAt: x.startAt, coverage: "none", ok: false, calls: 0, fuelEvents: 0, auditHash: "",
    divergence: { what: "missing-capture", instance: x.instance, eventIndex: -1, expected: "a capture", actual },
  };
}

function specOf(session: Session, s: SessionStrategy): StrategySpec {
  // A session recorded before the per-event budget existed ran without one
  // (its fuel per event was recorded as an Int32 all the same).
  const sandbox = sandboxLimits({ ...s.sandbox, fuelPerEvent: s.sandbox.fuelPerEvent ?? MAX_FUEL_PER_EVENT });
  return { label: s.label, prepared: prepareModule(session.modules.get(s.codeId)!, sandbox, s.label), params: new Map(Object.entries(s.params)), risk: riskLimits(s.risk), sandbox };
}

/** Full check of an instance that stopped cleanly, against its own capture. */
function replayCaptured(session: Session, s: SessionStrategy, x: InstanceCapture, recorded: StrategyCapture): InstanceReplay {
  const log = new AuditLog(`strategy:${s.codeId}`);
  const runner = new StrategyRunner(specOf(session, s), session.meta.instruments, log, null, s.index, () => {});
  const trace = new FuelTrace();
  runner.fuelTrace = trace;
  const processed: number[] = [];
  const kills: [number, number][] = [];
  const k3 = x.kills!;
  for (let k = 0; k < k3.length; k += 3) if (k3[k + 1] === s.index) kills.push([k3[k], k3[k + 2]]);
  let killAt = 0;
  let started = false;
  const words = session.feed.events;
  const ranges = x.ranges!;
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r];
    const count = ranges[r + 1];
    for (let e = start; e < start + count; e++) {
      // Mirror the worker: kill switches apply before the first event of a batch, then start.
      while (killAt < kills.length && kills[killAt][0] === e) runner.setKillSwitch(kills[killAt++][1] as KillSwitchState);
      const at = e * EVENT_RECORD_WORDS;
      if (!started) {
        started = true;
        runner.start(words[at + EventWord.timeHi], words[at + EventWord.timeLo]);
      }
      const kind = words[at + EventWord.kind];
      if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
      const before = trace.length;
      runner.onMarket(words, at, e);
      if (trace.length > before) processed.push(e);
    }
  }
  if (!started) runner.start(0, 0);
  runner.stop(x.stopAt!);
  const expected = readAuditChains(recorded.audit)[0];
  const actual = readAuditChains(encodeAuditFile([log]))[0];
  let divergence: Divergence | undefined;
  const n = Math.max(expected.entries.length, actual.entries.length);
  for (let i = 0; i < n && !divergence; i++) {
    const a = expected.entries[i];
    const b = actual.entries[i];
    if (!a || !b || !sameEntry(a, b)) {
      let expectedText = describeCall(a);
      let actualText = describeCall(b);
      // Same call, arguments and result: say what else differs (where, when, or the detail past what is shown).
      if (expectedText === actualText) {
        const [x, y] = [a!, b!];
        const what = (e: DecodedAuditEntry) => x.eventIndex !== y.eventIndex ? ` at event ${e.eventIndex}` : x.timeNs !== y.timeNs ? ` at time ${e.timeNs} ns` : ` with detail '${e.detail ?? ""}'`;
        expectedText += what(x);
        actualText += what(y);
      }
      divergence = { what: "call", instance: x.instance, eventIndex: (a ?? b)!.eventIndex, expected: expectedText, actual: actualText };
    }
  }
  const fuelRecorded = recorded.fuel;
  const fuelReplayed = trace.toArray();
  if (!divergence) {
    const m = Math.max(fuelRecorded.length, fuelReplayed.length);
    for (let i = 0; i < m; i++) {
      if (fuelRecorded[i] !== fuelReplayed[i]) {
        divergence = { what: "fuel", instance: x.instance, eventIndex: processed[i] ?? -1, expected: `fuel ${fuelRecorded[i] ?? "(none)"}`, actual: `fuel ${fuelReplayed[i] ?? "(none)"}` };
        break;
      }
    }
  }
  return {
    // A session recorded before audit format 2 holds a format-1 head, which the
    // same entries cannot reproduce here; its chain verified when read, and
    // with the same label and every entry matched the heads would agree in
    // its format.
    instance: x.instance, worker: x.worker, startAt: x.startAt, coverage: "full",
    ok: divergence === undefined && expected.label === actual.label
      && (expected.formatVersion !== actual.formatVersion || expected.headHex === actual.headHex),
    calls: actual.entries.length, fuelEvents: fuelReplayed.length, auditHash: actual.headHex, divergence,
  };
}

/**
 * An instance whose worker died: re-executed over what its reader had taken
 * (from startAt, minus its lap gaps, up to one poll batch past its last
 * committed cursor, so it does not matter whether its worker commits a
 * batch before or after handling it). That runs past where the thread died,
 * so the host's decisions must be a prefix of the replay's: extra events
 * only add decisions after it.
 */
function replayHostView(session: Session, s: SessionStrategy, x: InstanceCapture, seen: readonly HostDecision[]): InstanceReplay {
  const d = x.death!;
  const base = { instance: x.instance, worker: x.worker, startAt: x.startAt, fuelEvents: 0, auditHash: "" };
  if (x.startAt < 0) {
    if (seen.length === 0) return { ...base, coverage: "never-ran", ok: true, calls: 0, note: `died before its poll loop began (${d.cause}): no event, no decision` };
    return { ...base, coverage: "host-orders", ok: false, calls: 0, divergence: { what: "call", instance: x.instance, eventIndex: seen[0].eventIndex, expected: describeCall(seen[0]), actual: "(no call: it never attached)" } };
  }
  if (d.killChanged.includes(s.index)) {
    return missing(x, `none: its worker died (${d.cause}) and its kill switch changed while it ran, at an event the host cannot know`);
  }
  const made: HostDecision[] = [];
  const observer: RunnerObserver = {
    order(eventIndex, o, result) {
      made.push({ eventIndex, call: "order", args: [o.instrument, o.side, o.type, o.tif, o.priceTicks, o.qtyLots, o.clientTag], result });
    },
    cancel(eventIndex, orderId, result) {
      made.push({ eventIndex, call: "cancel", args: [orderId], result });
    },
    venueEvent() {},
    fault() {},
  };
  const runner = new StrategyRunner(specOf(session, s), session.meta.instruments, new AuditLog(`strategy:${s.codeId}`), null, s.index, () => {}, observer);
  const initialKill = d.initialKills[x.strategies.indexOf(s.index)];
  const words = session.feed.events;
  let gap = 0;
  let started = false;
  const end = Math.min(d.lastCursor + d.batch, session.meta.events);
  for (let e = x.startAt; e < end; e++) {
    while (gap < d.gaps.length && e >= d.gaps[gap] + d.gaps[gap + 1]) gap += 2;
    if (gap < d.gaps.length && e >= d.gaps[gap]) continue;
    const at = e * EVENT_RECORD_WORDS;
    if (!started) {
      // Mirror the worker: a kill switch already set when it started applies before its first event, then rf_start.
      started = true;
      if (initialKill !== KillSwitchState.Active) runner.setKillSwitch(initialKill as KillSwitchState);
      runner.start(words[at + EventWord.timeHi], words[at + EventWord.timeLo]);
    }
    const kind = words[at + EventWord.kind];
    if (kind === EventKind.Quote || kind === EventKind.Trade) runner.onMarket(words, at, e);
  }
  let divergence: Divergence | undefined;
  for (let i = 0; i < seen.length && !divergence; i++) {
    if (!made[i] || !sameDecision(seen[i], made[i])) {
      divergence = { what: "call", instance: x.instance, eventIndex: seen[i].eventIndex, expected: describeCall(seen[i]), actual: describeCall(made[i]) };
    }
  }
  return {
    ...base, coverage: "host-orders", ok: divergence === undefined, calls: seen.length, divergence,
    note: `its worker died (${d.cause}) without a final capture: the ${seen.length} order(s) and cancel(s) the host received from it ` +
      `(from event ${x.startAt}; its reader had taken up to event ${d.lastCursor - 1}) were checked; its other host calls and its fuel were not captured`,
  };
}

/** The orders and cancels in the host chain, per strategy and worker instance (`restart` entries separate instances). */
function hostDecisions(bytes: Uint8Array): Map<string, HostDecision[]> {
  let entries: DecodedAuditEntry[];
  try {
    entries = readAuditChains(bytes)[0]?.entries ?? [];
  } catch (e) {
    throw new InputError(`session host.audit: ${(e as Error).message}`);
  }
  const instanceOf = new Map<number, number>();
  const out = new Map<string, HostDecision[]>();
  for (const e of entries) {
    if (e.strategy === undefined) continue;
    if (e.call === "restart") instanceOf.set(e.strategy, e.args[1]);
    else if (e.call === "order" || e.call === "cancel") {
      const key = captureKey(e.strategy, instanceOf.get(e.strategy) ?? 0);
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ eventIndex: e.eventIndex, call: e.call, args: e.args, result: e.result });
    }
  }
  return out;
}
