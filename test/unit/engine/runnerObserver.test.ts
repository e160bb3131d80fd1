// What a StrategyRunner's observer (the worker's order ring) hears for an
// order: the id the guest gets, before the venue's own events for it.
import { describe, expect, it } from "vitest";
import { EventKind } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { encodeAuditFile } from "../../../host/audit/auditFile.ts";
import { readAuditChains } from "../../../host/audit/auditChains.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { StrategyRunner, type RunnerObserver } from "../../../host/engine/strategyRunner.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { spec, synthetic } from "../../support/backtestHarness.ts";

/** On every quote: an IOC buy limit at the ask for 1 lot (it fills at once unless risk denies it). */
const takerWat = strategyWat({
  imports: `(import "ringfence" "submit_order" (func $submit (param i32) (result i32)))`,
  callbacks: {
    rf_on_market: `(if (i32.eq (i32.load (i32.const 1024)) (i32.const 1)) (then
      (i32.store (i32.const 2048) (i32.load (i32.const 1028)))
      (i32.store (i32.const 2052) (i32.const 0x00020101))
      (i64.store (i32.const 2056) (i64.load (i32.const 1064)))
      (i64.store (i32.const 2064) (i64.const 1))
      (i64.store (i32.const 2072) (i64.const 0))
      (drop (call $submit (i32.const 2048)))))`,
  },
});

describe("StrategyRunner observer", () => {
  it("hears each order with the id the guest got, before the venue's fill and update for it", () => {
    const recording = synthetic(400, 5, 2);
    const heard: { what: "order" | "fill" | "update"; id: number; event: number }[] = [];
    const observer: RunnerObserver = {
      order(eventIndex, _o, result) {
        heard.push({ what: "order", id: result, event: eventIndex });
      },
      cancel() {},
      venueEvent(eventIndex, words, at) {
        const kind = words[at + EventWord.kind];
        heard.push({ what: kind === EventKind.Fill ? "fill" : "update", id: words[at + EventWord.ref], event: eventIndex });
      },
      fault(f) {
        throw new Error(`unexpected fault: ${f.message}`);
      },
    };
    const log = new AuditLog("strategy:taker");
    const runner = new StrategyRunner(spec(wat(takerWat), { label: "taker" }), recording.header.instruments, log, null, 0, () => {}, observer);
    const words = recording.events;
    runner.start(words[EventWord.timeHi], words[EventWord.timeLo]);
    for (let e = 0; e < recording.count; e++) {
      const kind = words[e * EVENT_RECORD_WORDS + EventWord.kind];
      if (kind === EventKind.Quote || kind === EventKind.Trade) runner.onMarket(words, e * EVENT_RECORD_WORDS, e);
    }
    runner.stop(recording.count);

    // What the guest got back from submit_order, as audited.
    const submits = readAuditChains(encodeAuditFile([log]))[0].entries.filter((x) => x.call === "submit_order");
    const orders = heard.filter((h) => h.what === "order");
    expect(orders.map((o) => o.id)).toEqual(submits.map((s) => s.result));
    const accepted = orders.filter((o) => o.id > 0);
    expect(accepted.length).toBeGreaterThan(5);
    for (const o of accepted) {
      const at = heard.indexOf(o);
      const fill = heard.findIndex((h) => h.what === "fill" && h.id === o.id);
      const update = heard.findIndex((h) => h.what === "update" && h.id === o.id);
      expect(fill).toBeGreaterThan(at);
      expect(update).toBeGreaterThan(at);
      expect(heard[fill].event).toBe(o.event);
    }
    expect(runner.report().fills).toBe(accepted.length);
  });
});
