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
 *
 * Nothing is held whole: each capture's audit chain is read from its file
 * through a fixed window (AuditFileReader) and compared entry by entry as
 * re-execution appends the same chain to a log that keeps only its head;
 * fuel is compared per event as it is reported, against the fuel file read
 * in order. A session of any length replays in the memory of one window.
 * The recorded chain is verified as it is read, to its end whatever the
 * comparison found: a file that does not hold is refused naming the file
 * (InputError), never reported as a divergence or a match.
 */
import { EventWord } from "../abi/eventRecord.ts";
import { EventKind, KillSwitchState } from "../abi/codes.ts";
import { auditBreakText, type AuditEntryRead, type AuditVerifyResult } from "../audit/auditFile.ts";
import { decodeEntry, encodedEntryBytes, encodeEntry, type AuditEntry, type DecodedAuditEntry } from "../audit/auditEncoding.ts";
import { AuditFileReader, MIN_WINDOW_BYTES, WINDOW_BYTES } from "../audit/auditFileReader.ts";
import { AUDIT_BLOCK_ENTRIES, AUDIT_FORMAT_VERSION } from "../audit/auditFormat.ts";
import { AuditLog } from "../audit/auditLog.ts";
import { InputError } from "../cli/errors.ts";
import type { FuelSink } from "../engine/fuelTrace.ts";
import { StrategyRunner, type RunnerObserver, type StrategySpec } from "../engine/strategyRunner.ts";
import type { InstanceCapture } from "../live/liveRun.ts";
import { riskLimits } from "../risk/riskLimits.ts";
import { MAX_FUEL_PER_EVENT, sandboxLimits } from "../sandbox/limits.ts";
import { prepareModule } from "../sandbox/preparedModule.ts";
import { FeedCursor } from "../feed/eventFeed.ts";
import { FuelFileReader } from "./fuelFile.ts";
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

export interface ReplayOptions {
  /** The buffer each audit file is read through (AuditFileReader; default WINDOW_BYTES). */
  readonly auditWindowBytes?: number;
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

export function replaySession(session: Session, options: ReplayOptions = {}): ReplayResult {
  const { meta } = session;
  const windowBytes = options.auditWindowBytes ?? WINDOW_BYTES;
  if (!Number.isInteger(windowBytes) || windowBytes < MIN_WINDOW_BYTES) {
    throw new RangeError(`replaySession: auditWindowBytes must be an integer ≥ ${MIN_WINDOW_BYTES}, got ${windowBytes}`);
  }
  const dead = new Set(meta.instances.filter((x) => x.death).flatMap((x) => x.strategies.map((s) => captureKey(s, x.instance))));
  const decisions = session.hostAudit ? hostDecisions(session.hostAudit, windowBytes, dead) : null;
  const strategies = meta.strategies.map((s): StrategyReplay => {
    const mine = meta.instances.filter((x) => x.strategies.includes(s.index)).sort((a, b) => a.instance - b.instance);
    const instances = mine.map((x): InstanceReplay => {
      const cap = session.captures.get(captureKey(s.index, x.instance));
      if (x.ranges !== undefined && cap) return replayCaptured(session, s, x, cap, windowBytes);
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
function replayCaptured(session: Session, s: SessionStrategy, x: InstanceCapture, recorded: StrategyCapture, windowBytes: number): InstanceReplay {
  const chain = new RecordedChain(recorded, x.instance, windowBytes);
  let fuel: ReplayedFuel | null = null;
  try {
    fuel = new ReplayedFuel(recorded, x.instance);
    const log = new ReplayedLog(`strategy:${s.codeId}`, chain);
    const runner = new StrategyRunner(specOf(session, s), session.meta.instruments, log, null, s.index, () => {});
    runner.fuelTrace = fuel;
    reexecute(session, s, x, runner, fuel);
    // Throws if the recorded chain does not hold, wherever it breaks: that outranks any comparison.
    const expected = chain.finish();
    const divergence = chain.divergence ?? fuel.finish();
    return {
      // A session recorded before audit format 2 holds a format-1 head, which the
      // same entries cannot reproduce here; its chain verified as it was read, and
      // with the same label and every entry matched the heads would agree in
      // its format.
      instance: x.instance, worker: x.worker, startAt: x.startAt, coverage: "full",
      ok: divergence === undefined && expected.label === log.label
        && (expected.formatVersion !== AUDIT_FORMAT_VERSION || expected.headHex === log.headHex),
      calls: log.count, fuelEvents: fuel.length, auditHash: log.headHex, divergence,
    };
  } finally {
    chain.close();
    fuel?.close();
  }
}

/** Runs a captured instance over exactly the events its worker consumed, with its kill switches, from rf_start to rf_stop. */
function reexecute(session: Session, s: SessionStrategy, x: InstanceCapture, runner: StrategyRunner, fuel: ReplayedFuel): void {
  const kills: [number, number][] = [];
  const k3 = x.kills!;
  for (let k = 0; k < k3.length; k += 3) if (k3[k + 1] === s.index) kills.push([k3[k], k3[k + 2]]);
  let killAt = 0;
  let started = false;
  // The venue may still read quotes from the words a refill overwrites: it copies them first.
  const feed = new FeedCursor(session.feed, () => runner.keepEvents());
  const words = feed.words;
  const ranges = x.ranges!;
  try {
    for (let r = 0; r < ranges.length; r += 2) {
      const start = ranges[r];
      const count = ranges[r + 1];
      for (let e = start; e < start + count; e++) {
        // Mirror the worker: kill switches apply before the first event of a batch, then start.
        while (killAt < kills.length && kills[killAt][0] === e) runner.setKillSwitch(kills[killAt++][1] as KillSwitchState);
        const at = feed.at(e);
        if (!started) {
          started = true;
          runner.start(words[at + EventWord.timeHi], words[at + EventWord.timeLo]);
        }
        const kind = words[at + EventWord.kind];
        if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
        fuel.eventIndex = e;
        runner.onMarket(words, at, e);
      }
    }
  } finally {
    feed.close();
  }
  if (!started) runner.start(0, 0);
  runner.stop(x.stopAt!);
}

/** Expected vs actual for the first entry in which two chains differ (either may have ended). */
function callDivergence(instance: number, a: DecodedAuditEntry | undefined, b: DecodedAuditEntry | undefined): Divergence {
  let expectedText = describeCall(a);
  let actualText = describeCall(b);
  // Same call, arguments and result: say what else differs (where, when, or the detail past what is shown).
  if (expectedText === actualText) {
    const [x, y] = [a!, b!];
    const what = (e: DecodedAuditEntry) => x.eventIndex !== y.eventIndex ? ` at event ${e.eventIndex}` : x.timeNs !== y.timeNs ? ` at time ${e.timeNs} ns` : ` with detail '${e.detail ?? ""}'`;
    expectedText += what(x);
    actualText += what(y);
  }
  return { what: "call", instance, eventIndex: (a ?? b)!.eventIndex, expected: expectedText, actual: actualText };
}

/**
 * An instance's recorded audit chain, read from its file while re-execution
 * appends the same chain (ReplayedLog): each appended entry is compared with
 * the recorded one at its position at once, and neither chain is held.
 *
 * A recorded entry is compared before the hash that covers it is checked
 * (auditEntries), so the comparison is a verdict only once finish() has
 * read the file to its end and the chain held: a break anywhere, before or
 * after the first difference, is the file's problem and outranks it.
 */
class RecordedChain {
  /** The first difference (entries from then on are not compared). */
  divergence: Divergence | undefined;
  private readonly reader: AuditFileReader;
  private readonly walk: Generator<AuditEntryRead, AuditVerifyResult, void>;
  private result: AuditVerifyResult | null = null;
  /** What went wrong reading the file (it changed while it was read). */
  private failure: Error | null = null;
  /** The replayed entry, encoded as the chain holds it. */
  private scratch = Buffer.alloc(4096);
  private scratchView = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.byteLength);

  constructor(private readonly capture: StrategyCapture, private readonly instance: number, windowBytes: number) {
    try {
      this.reader = AuditFileReader.open(capture.auditFile, windowBytes);
    } catch {
      throw new InputError(`${capture.auditName} is missing or unreadable`);
    }
    this.walk = this.reader.entries();
  }

  /** The next recorded entry; null at the file's end or where it stops holding (finish() says which). */
  private next(): AuditEntryRead | null {
    if (this.result !== null || this.failure !== null) return null;
    try {
      const r = this.walk.next();
      if (!r.done) return r.value;
      this.result = r.value;
    } catch (e) {
      this.failure = e as Error;
    }
    return null;
  }

  /**
   * Re-execution appended `e` as entry `index` of its chain. Called inside a
   * host call, so it never throws: what it finds waits for finish().
   */
  appended(e: AuditEntry, index: number, strategy: number | undefined): void {
    if (this.divergence !== undefined) return;
    const recorded = this.next();
    const size = encodedEntryBytes(e);
    if (size > this.scratch.length) {
      this.scratch = Buffer.alloc(Math.max(size, this.scratch.length * 2));
      this.scratchView = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.byteLength);
    }
    const end = encodeEntry(this.scratch, this.scratchView, 0, index, e, strategy);
    const replayed = this.scratch.subarray(0, end);
    // Equal bytes are equal entries; unequal bytes may still decode equal (a NaN's payload), as entries were always compared.
    if (recorded !== null && Buffer.compare(recorded.bytes, replayed) === 0) return;
    const actual = decodeEntry(replayed) as DecodedAuditEntry;
    if (recorded !== null && sameEntry(recorded.entry, actual)) return;
    this.divergence = callDivergence(this.instance, recorded?.entry, actual);
  }

  /**
   * After re-execution: a recorded entry it did not make is the divergence
   * (if none came first); then the rest of the file is read and checked.
   * Returns the recorded chain's label, head and format; throws an
   * InputError naming the file when it does not hold.
   */
  finish(): { label: string; headHex: string; formatVersion: number } {
    if (this.divergence === undefined) {
      const extra = this.next();
      if (extra !== null) this.divergence = callDivergence(this.instance, extra.entry, undefined);
    }
    while (this.next() !== null);
    const name = this.capture.auditName;
    if (this.failure !== null) throw new InputError(`${name}: ${this.failure.message}`);
    const v = this.result!;
    if (!v.ok) throw new InputError(`${name}: ${auditBreakText(v.firstBroken!)}`);
    if (v.chains.length !== 1) throw new InputError(`${name} holds ${v.chains.length} audit chains, not 1`);
    return { label: v.chains[0].label, headHex: v.chains[0].headHex, formatVersion: v.formatVersion };
  }

  close(): void {
    this.reader.close();
  }
}

/** The replayed chain: its head only (no block held however long it runs), each entry handed to the recording as it is appended. */
class ReplayedLog extends AuditLog {
  constructor(label: string, private readonly recorded: RecordedChain) {
    super(label, AUDIT_BLOCK_ENTRIES, false);
  }

  override append(e: AuditEntry, strategy?: number): void {
    super.append(e, strategy);
    this.recorded.appended(e, this.count - 1, strategy);
  }
}

/**
 * Fuel per event as re-execution reports it, compared at once with the
 * recorded fuel file and not kept: the runner takes a FuelTrace, which
 * would hold four bytes an event for the whole session.
 */
class ReplayedFuel implements FuelSink {
  /** The event being handled (set before each onMarket): where a difference is reported. */
  eventIndex = -1;
  divergence: Divergence | undefined;
  private readonly recorded: FuelFileReader;
  private events = 0;

  constructor(capture: StrategyCapture, private readonly instance: number) {
    try {
      this.recorded = FuelFileReader.open(capture.fuelFile);
    } catch {
      throw new InputError(`${capture.fuelName} is missing or unreadable`);
    }
  }

  get length(): number {
    return this.events;
  }

  push(fuel: number): void {
    const expected = this.recorded.next();
    // | 0: the value as an Int32 fuel file (and FuelTrace) holds it.
    if (this.divergence === undefined && expected !== (fuel | 0)) this.divergence = fuelDivergence(this.instance, this.eventIndex, expected, fuel | 0);
    this.events++;
  }

  /** After re-execution: the first difference, a recorded value it did not report included. */
  finish(): Divergence | undefined {
    if (this.divergence === undefined) {
      const extra = this.recorded.next();
      if (extra !== undefined) this.divergence = fuelDivergence(this.instance, -1, extra, undefined);
    }
    return this.divergence;
  }

  close(): void {
    this.recorded.close();
  }
}

function fuelDivergence(instance: number, eventIndex: number, expected: number | undefined, actual: number | undefined): Divergence {
  return { what: "fuel", instance, eventIndex, expected: `fuel ${expected ?? "(none)"}`, actual: `fuel ${actual ?? "(none)"}` };
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
  const feed = new FeedCursor(session.feed, () => runner.keepEvents());
  const words = feed.words;
  let gap = 0;
  let started = false;
  const end = Math.min(d.lastCursor + d.batch, session.meta.events);
  try {
    for (let e = x.startAt; e < end; e++) {
      while (gap < d.gaps.length && e >= d.gaps[gap] + d.gaps[gap + 1]) gap += 2;
      if (gap < d.gaps.length && e >= d.gaps[gap]) continue;
      const at = feed.at(e);
      if (!started) {
        // Mirror the worker: a kill switch already set when it started applies before its first event, then rf_start.
        started = true;
        if (initialKill !== KillSwitchState.Active) runner.setKillSwitch(initialKill as KillSwitchState);
        runner.start(words[at + EventWord.timeHi], words[at + EventWord.timeLo]);
      }
      const kind = words[at + EventWord.kind];
      if (kind === EventKind.Quote || kind === EventKind.Trade) runner.onMarket(words, at, e);
    }
  } finally {
    feed.close();
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

/** The orders and cancels in the host chain, per strategy and worker instance (`restart` entries separate instances), read streaming. */
/**
 * The orders and cancels the host chain records for the instances in
 * `wanted` (captureKey: those whose worker died, checked against them);
 * every other entry is only verified, so memory follows the dead
 * instances' orders, not the session's.
 */
function hostDecisions(path: string, windowBytes: number, wanted: ReadonlySet<string>): Map<string, HostDecision[]> {
  let reader: AuditFileReader;
  try {
    reader = AuditFileReader.open(path, windowBytes);
  } catch (e) {
    throw new InputError(`session host.audit: ${(e as Error).message}`);
  }
  const instanceOf = new Map<number, number>();
  const out = new Map<string, HostDecision[]>();
  let verified: AuditVerifyResult;
  try {
    const walk = reader.entries();
    for (let r = walk.next(); ; r = walk.next()) {
      if (r.done) {
        verified = r.value;
        break;
      }
      const e = r.value.entry;
      // The first chain is the host's; a file that does not hold is refused below, whatever was read from it.
      if (r.value.chainIndex !== 0 || e.strategy === undefined) continue;
      if (e.call === "restart") instanceOf.set(e.strategy, e.args[1]);
      else if (e.call === "order" || e.call === "cancel") {
        const key = captureKey(e.strategy, instanceOf.get(e.strategy) ?? 0);
        if (!wanted.has(key)) continue;
        let list = out.get(key);
        if (!list) out.set(key, (list = []));
        list.push({ eventIndex: e.eventIndex, call: e.call, args: e.args, result: e.result });
      }
    }
  } catch (e) {
    throw new InputError(`session host.audit: ${(e as Error).message}`);
  } finally {
    reader.close();
  }
  if (!verified.ok) throw new InputError(`session host.audit: ${auditBreakText(verified.firstBroken!)}`);
  return out;
}
