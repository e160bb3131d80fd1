// subscribe: which market events reach rf_on_market. The venue, timers and
// fills do not depend on it; a change applies from the next market event.
import { describe, expect, it } from "vitest";
import { ALL_INSTRUMENTS, EventKind, HostStatus, MarketData } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { readAuditChains } from "../../../host/audit/auditChains.ts";
import { encodeAuditFile } from "../../../host/audit/auditFile.ts";
import type { Recording } from "../../../host/feed/recording.ts";
import { strategyWat, wat, type StrategyWatParts } from "../../fixtures/wat.ts";
import { backtest, spec, synthetic } from "../../support/backtestHarness.ts";
import { testSeed } from "../../support/seed.ts";

const IMPORTS = `
  (import "ringfence" "subscribe" (func $subscribe (param i32 i32) (result i32)))
  (import "ringfence" "event_time" (func $time (param i32) (result i32)))
  (import "ringfence" "set_timer" (func $timer (param i32 i32) (result i32)))
  (import "ringfence" "submit_order" (func $submit (param i32) (result i32)))
  (import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))`;

/** Every rf_on_market calls event_time, so the audit chain lists the market events delivered. */
const NOTE_DELIVERY = "(drop (call $time (i32.const 4096)))";

function run(callbacks: StrategyWatParts["callbacks"], recording: Recording) {
  const r = backtest([spec(wat(strategyWat({ imports: IMPORTS, callbacks })))], recording);
  const entries = readAuditChains(encodeAuditFile([r.auditLogs[1]]))[0].entries;
  return { report: r.report.strategies[0], entries, delivered: entries.filter((e) => e.call === "event_time").map((e) => e.eventIndex) };
}

/** Market events of `recording` (index, instrument, kind). */
function marketEvents(recording: Recording): { e: number; instrument: number; kind: number }[] {
  const out = [];
  for (let e = 0; e < recording.count; e++) {
    const kind = recording.events[e * EVENT_RECORD_WORDS + EventWord.kind];
    if (kind === EventKind.Quote || kind === EventKind.Trade) out.push({ e, instrument: recording.events[e * EVENT_RECORD_WORDS + EventWord.instrument], kind });
  }
  return out;
}

describe("subscribe", () => {
  const seed = testSeed("subscribe");
  const recording = synthetic(3000, seed, 3);

  it("delivers every market event by default", () => {
    const { delivered } = run({ rf_on_market: NOTE_DELIVERY }, recording);
    expect(delivered).toEqual(marketEvents(recording).map((m) => m.e));
  });

  it.each([
    ["instrument 1, quotes", 1, MarketData.Quotes],
    ["instrument 2, trades", 2, MarketData.Trades],
    ["instrument 0, both", 0, MarketData.All],
  ])("from rf_start: only %s", (_name, instrument, kinds) => {
    const { delivered, report } = run({
      rf_start: `(drop (call $subscribe (i32.const ${ALL_INSTRUMENTS}) (i32.const ${MarketData.None})))
        (drop (call $subscribe (i32.const ${instrument}) (i32.const ${kinds})))`,
      rf_on_market: NOTE_DELIVERY,
    }, recording);
    const expected = marketEvents(recording).filter((m) => m.instrument === instrument && (m.kind & kinds) !== 0).map((m) => m.e);
    expect(expected.length).toBeGreaterThan(50);
    expect(delivered).toEqual(expected);
    expect(report.faults).toEqual([]);
  });

  it("a change made in rf_on_market applies from the next market event", () => {
    const events = marketEvents(recording);
    const at = events[100].e;
    // Unsubscribe everything at the 101st market event it sees.
    const { delivered } = run({
      rf_on_market: `${NOTE_DELIVERY}
        (if (i32.eq (i32.load (i32.const 4200)) (i32.const 100))
          (then (drop (call $subscribe (i32.const -1) (i32.const 0)))))
        (i32.store (i32.const 4200) (i32.add (i32.load (i32.const 4200)) (i32.const 1)))`,
    }, recording);
    expect(delivered).toEqual(events.slice(0, 101).map((m) => m.e));
    expect(delivered[delivered.length - 1]).toBe(at);
  });

  it("a change made before the market callback (in rf_on_timer) still waits for the next market event", () => {
    // A timer 1 ms in unsubscribes from everything. It fires inside some
    // market event's onMarket, before that event's rf_on_market: that event
    // is still delivered, later ones are not.
    const { delivered, entries } = run({
      rf_start: "(drop (call $timer (i32.const 1000) (i32.const 7)))",
      rf_on_timer: "(drop (call $subscribe (i32.const -1) (i32.const 0)))",
      rf_on_market: NOTE_DELIVERY,
    }, recording);
    const at = entries.find((e) => e.call === "subscribe")!.eventIndex;
    const events = marketEvents(recording).map((m) => m.e);
    expect(events.indexOf(at)).toBeGreaterThan(0);
    expect(delivered).toEqual(events.slice(0, events.indexOf(at) + 1));
  });

  it("an unsubscribed strategy's orders still match, and its timers, fills and order updates still arrive", () => {
    // Subscribed to nothing; a timer 1 ms in sends a 1-lot IOC market buy on
    // instrument 0 (again 1 ms later while risk has no price for it yet),
    // which the venue fills at the ask it saw; rf_on_order logs.
    const { report, delivered, entries } = run({
      rf_start: `(drop (call $subscribe (i32.const -1) (i32.const 0))) (drop (call $timer (i32.const 1000) (i32.const 7)))`,
      rf_on_market: NOTE_DELIVERY,
      rf_on_timer: `(i32.store (i32.const 2048) (i32.const 0)) (i32.store (i32.const 2052) (i32.const 0x00020201))
        (i64.store (i32.const 2056) (i64.const 0)) (i64.store (i32.const 2064) (i64.const 1)) (i64.store (i32.const 2072) (i64.const 0))
        ;; denied (no quote on instrument 0 yet): try again 1 ms later
        (if (i32.le_s (call $submit (i32.const 2048)) (i32.const 0)) (then (drop (call $timer (i32.const 1000) (i32.const 7)))))`,
      rf_on_order: `(drop (call $log (i32.const 1) (i32.const 0) (i32.const 0)))`,
    }, recording);
    expect(report.faults).toEqual([]);
    expect(delivered).toEqual([]);
    expect(report.orders).toBe(1);
    expect(report.fills).toBe(1);
    expect(report.position).toBe(1);
    expect(entries.filter((e) => e.call === "log").length).toBeGreaterThanOrEqual(1);
  });

  it("an unknown instrument is a plain status; a kinds value outside the mask is bad_host_call", () => {
    const unknown = run({ rf_start: "(drop (call $subscribe (i32.const 3) (i32.const 1)))", rf_on_market: NOTE_DELIVERY }, recording);
    expect(unknown.report.faults).toEqual([]);
    expect(unknown.entries.find((e) => e.call === "subscribe")).toMatchObject({ args: [3, 1], result: HostStatus.UnknownInstrument });
    expect(unknown.delivered).toHaveLength(marketEvents(recording).length);

    for (const kinds of [4, -1, 0x7fffffff]) {
      const bad = run({ rf_on_market: `(drop (call $subscribe (i32.const 0) (i32.const ${kinds})))` }, recording);
      expect(bad.report.faults[0]).toMatchObject({ kind: "bad_host_call", atEvent: 0 });
      expect(bad.report.faults[0].message).toMatch(/subscribe: kinds/);
    }
  });
});
