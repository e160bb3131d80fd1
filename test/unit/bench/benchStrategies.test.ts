/**
 * The premises of the latency and throughput benchmarks, checked in-process:
 * the ping strategy gets every order past risk and sees it expire (so a
 * long run never builds up orders or a position), the no-op strategy places
 * nothing, and the quotes carry exact, increasing times across a 2^32 carry.
 */
import { describe, expect, it } from "vitest";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { EventKind, OrderStatus, TimeInForce } from "../../../host/abi/codes.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { StrategyRunner, type RunnerObserver, type StrategySpec } from "../../../host/engine/strategyRunner.ts";
import { SYNTHETIC_START_TIME_NS_HI, SYNTHETIC_START_TIME_NS_LO } from "../../../host/feed/synthetic.ts";
import { BENCH_INSTRUMENTS } from "../../../bench/strategies/benchModule.ts";
import { noopStrategySpec } from "../../../bench/strategies/noopStrategy.ts";
import { pingStrategySpec } from "../../../bench/strategies/pingStrategy.ts";
import { QUOTE_BID_TICKS, QUOTE_GAP_NS, setQuoteIndex, writeQuote } from "../../../bench/strategies/quotes.ts";

interface Seen {
  results: number[];
  tifs: number[];
  prices: number[];
  statuses: number[];
  faults: string[];
}

function drive(spec: StrategySpec, events: number): { seen: Seen; runner: StrategyRunner } {
  const seen: Seen = { results: [], tifs: [], prices: [], statuses: [], faults: [] };
  const observer: RunnerObserver = {
    order(_e, o, result) {
      seen.results.push(result);
      seen.tifs.push(o.tif);
      seen.prices.push(o.priceTicks);
    },
    cancel() {},
    venueEvent(_e, words, at) {
      if (words[at + EventWord.kind] === EventKind.OrderUpdate) seen.statuses.push(words[at + EventWord.flags] & 0xff);
    },
    fault(f) {
      seen.faults.push(f.message);
    },
  };
  const runner = new StrategyRunner(spec, BENCH_INSTRUMENTS, new AuditLog("strategy:test"), null, 0, () => {}, observer);
  const words = new Int32Array(EVENT_RECORD_WORDS);
  writeQuote(words, 0, 0);
  runner.start(words[EventWord.timeHi], words[EventWord.timeLo]);
  for (let i = 0; i < events; i++) {
    setQuoteIndex(words, 0, i);
    runner.onMarket(words, 0, i);
  }
  return { seen, runner };
}

describe("bench strategies", () => {
  it("ping: one accepted IOC order per quote, each expires at once, no denial, no position", () => {
    const events = 3_000; // well past the default throttle of 100 orders per second of event time
    const { seen, runner } = drive(pingStrategySpec(), events);
    expect(seen.faults).toEqual([]);
    expect(seen.results).toHaveLength(events);
    expect(seen.results.every((r) => r > 0)).toBe(true);
    expect(new Set(seen.tifs)).toEqual(new Set([TimeInForce.IOC]));
    expect(new Set(seen.prices)).toEqual(new Set([QUOTE_BID_TICKS - QUOTE_BID_TICKS / 100]));
    expect(seen.statuses).toEqual(new Array(events).fill(OrderStatus.Expired));
    const report = runner.report();
    expect(report.denials).toEqual({});
    expect(report.position).toBe(0);
    expect(runner.workingOrders()).toBe(0);
  });

  it("noop: runs every callback and places nothing", () => {
    const { seen, runner } = drive(noopStrategySpec(), 1_000);
    expect(seen.faults).toEqual([]);
    expect(seen.results).toEqual([]);
    expect(runner.report().callbacks).toBe(1 + 1_000); // rf_start + one rf_on_market per quote
  });

  it("quotes: time is origin + index µs exactly, across the carry into the high word", () => {
    const words = new Int32Array(EVENT_RECORD_WORDS);
    const origin = BigInt(SYNTHETIC_START_TIME_NS_HI) * 2n ** 32n + BigInt(SYNTHETIC_START_TIME_NS_LO);
    // The low word starts 0xf5ab1000 ns: the carry comes after ~172 000 quotes.
    for (const index of [0, 1, 171_000, 172_000, 173_000, 5_000_000, 2 ** 31 - 1]) {
      writeQuote(words, 0, index);
      const time = BigInt(words[EventWord.timeHi] >>> 0) * 2n ** 32n + BigInt(words[EventWord.timeLo] >>> 0);
      expect(time, `index ${index}`).toBe(origin + BigInt(index) * BigInt(QUOTE_GAP_NS));
      expect(words[EventWord.seqLo] >>> 0).toBe((index + 1) >>> 0);
      expect(words[EventWord.kind]).toBe(EventKind.Quote);
    }
  });
});
