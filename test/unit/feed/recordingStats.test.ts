import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { writeI64 } from "../../../host/abi/int64.ts";
import { formatFixed, formatHalfTicks } from "../../../host/feed/decimal.ts";
import { RecordingStats } from "../../../host/feed/recordingStats.ts";
import { spanNs, timeNsToIso } from "../../../host/feed/timeNs.ts";

describe("decimal formatting", () => {
  it("places the point by string work", () => {
    expect(formatFixed(10050, 2)).toBe("100.50");
    expect(formatFixed(5, 2)).toBe("0.05");
    expect(formatFixed(0, 2)).toBe("0.00");
    expect(formatFixed(-7, 3)).toBe("-0.007");
    expect(formatFixed(1234, 0)).toBe("1234");
    expect(formatFixed(Number.MAX_SAFE_INTEGER, 9)).toBe("9007199.254740991");
  });

  it("shows a half-tick mid with one more digit, exactly", () => {
    expect(formatHalfTicks(20100, 2)).toBe("100.50");
    expect(formatHalfTicks(20101, 2)).toBe("100.505");
    expect(formatHalfTicks(1, 0)).toBe("0.5");
  });
});

describe("event time", () => {
  it("formats epoch nanoseconds above 2^53 exactly", () => {
    // 2026-01-05T14:30:00.000000001Z = 1767623400000000001 ns
    const ns = 1767623400000000001n;
    const lo = Number(ns & 0xffffffffn);
    const hi = Number(ns >> 32n);
    expect(timeNsToIso(lo, hi)).toBe("2026-01-05T14:30:00.000000001Z");
    expect(timeNsToIso(0, 0)).toBe("1970-01-01T00:00:00.000000000Z");
  });

  it("spans carry across the low word", () => {
    expect(spanNs(0xfffffff0, 5, 0x10, 6)).toBe(0x20);
    expect(spanNs(7, 1, 7, 1)).toBe(0);
  });
});

describe("RecordingStats", () => {
  function ev(words: Int32Array, e: number, kind: number, instrument: number, timeLo: number, price: number, qty: number, price2 = 0, qty2 = 0, flags = 0): void {
    const w = e * EVENT_RECORD_WORDS;
    words[w + EventWord.kind] = kind;
    words[w + EventWord.instrument] = instrument;
    writeI64(words, w + EventWord.seqLo, e + 1);
    words[w + EventWord.timeLo] = timeLo;
    words[w + EventWord.timeHi] = 0x1887dc1d;
    writeI64(words, w + EventWord.priceLo, price);
    writeI64(words, w + EventWord.qtyLo, qty);
    writeI64(words, w + EventWord.price2Lo, price2);
    writeI64(words, w + EventWord.qty2Lo, qty2);
    words[w + EventWord.flags] = flags;
  }

  it("counts kinds and sums per instrument, with prices in the instrument's decimals", () => {
    const words = new Int32Array(7 * EVENT_RECORD_WORDS);
    ev(words, 0, EventKind.Quote, 0, 100, 10000, 5, 10001, 7); // mid 100.005
    ev(words, 1, EventKind.Trade, 0, 200, 10001, 3, 0, 0, Side.Buy);
    ev(words, 2, EventKind.Quote, 0, 300, 9998, 5, 10001, 7); // spread 3, mid 99.995
    ev(words, 3, EventKind.Trade, 0, 400, 9998, 2, 0, 0, Side.Sell);
    ev(words, 4, EventKind.Quote, 2, 500, 250, 1, 252, 1); // instrument 2, 0 decimals: mid 251
    ev(words, 5, EventKind.Timer, 2, 600, 0, 0);
    ev(words, 6, EventKind.Fill, 0, 700, 9998, 1);
    const stats = new RecordingStats([
      { id: 0, symbol: "A", priceDecimals: 2, qtyDecimals: 1 },
      { id: 1, symbol: "B", priceDecimals: 2, qtyDecimals: 0 },
      { id: 2, symbol: "C", priceDecimals: 0, qtyDecimals: 0 },
    ]);
    stats.add(words, 0, 3);
    stats.add(words, 3, 4);
    const r = stats.report();
    expect(r.kinds).toEqual({ quote: 3, trade: 2, fill: 1, orderUpdate: 0, timer: 1 });
    // (0x1887dc1d << 32) + 100 ns = 1767623395878371428 ns.
    expect(r.time).toEqual({ first: "2026-01-05T14:29:55.878371428Z", last: "2026-01-05T14:29:55.878372028Z", spanNs: 600 });
    expect(r.instruments[0]).toEqual({
      id: 0,
      symbol: "A",
      quotes: 2,
      trades: 2,
      buyTrades: 1,
      sellTrades: 1,
      volume: "0.5",
      mid: { min: "99.995", max: "100.005", last: "99.995" },
      trade: { min: "99.98", max: "100.01", last: "99.98" },
      avgSpreadTicks: 2,
    });
    expect(r.instruments[1]).toMatchObject({ quotes: 0, trades: 0, volume: "0", mid: null, trade: null, avgSpreadTicks: null });
    expect(r.instruments[2]).toMatchObject({ quotes: 1, mid: { min: "251", max: "251", last: "251" }, trade: null, avgSpreadTicks: 2 });
  });

  it("reports no time range for no events", () => {
    const r = new RecordingStats([{ id: 0, symbol: "A", priceDecimals: 2, qtyDecimals: 0 }]).report();
    expect(r.time).toBeNull();
    expect(r.kinds.quote).toBe(0);
  });
});
