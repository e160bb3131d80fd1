import { describe, expect, it } from "vitest";
import { EventKind, OrderStatus, Side } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { readI64 } from "../../../host/abi/int64.ts";
import { EventQueue } from "../../../host/venue/eventQueue.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { drain, quote } from "./venueHelpers.ts";

describe("EventQueue", () => {
  it("writes Fill, OrderUpdate and Timer records in the eventRecord layout", () => {
    const q = new EventQueue();
    q.pushFill(3, 77, 2 ** 40 + 5, 10_001, 4, 6, 12, Side.Sell);
    q.pushOrderUpdate(3, 77, 2 ** 40 + 5, 10_001, 6, 4, 12, OrderStatus.CancelledByRisk, 8);
    q.pushTimer(78, -5, 9, 0xabc);
    expect(q.length).toBe(3);
    const dst = new Int32Array(EVENT_RECORD_WORDS);
    q.copyOut(0, dst, 0);
    expect(dst[EventWord.kind]).toBe(EventKind.Fill);
    expect(dst[EventWord.instrument]).toBe(3);
    expect(readI64(dst, EventWord.seqLo)).toBe(77);
    expect(readI64(dst, EventWord.timeLo)).toBe(2 ** 40 + 5);
    expect(readI64(dst, EventWord.priceLo)).toBe(10_001);
    expect(readI64(dst, EventWord.qtyLo)).toBe(4);
    expect(readI64(dst, EventWord.price2Lo)).toBe(0);
    expect(readI64(dst, EventWord.qty2Lo)).toBe(6);
    expect(dst[EventWord.ref]).toBe(12);
    expect(dst[EventWord.flags]).toBe(Side.Sell);
    q.copyOut(1, dst, 0);
    expect(dst[EventWord.kind]).toBe(EventKind.OrderUpdate);
    expect(readI64(dst, EventWord.qtyLo)).toBe(6);
    expect(readI64(dst, EventWord.qty2Lo)).toBe(4);
    expect(dst[EventWord.flags]).toBe(OrderStatus.CancelledByRisk | (8 << 8));
    q.copyOut(2, dst, 0);
    expect(dst[EventWord.kind]).toBe(EventKind.Timer);
    expect(dst[EventWord.instrument]).toBe(0);
    expect(readI64(dst, EventWord.timeLo)).toBe(-5);
    expect(dst[EventWord.ref]).toBe(9);
    expect(dst[EventWord.flags]).toBe(0xabc);
    expect(q.kindAt(2)).toBe(EventKind.Timer);
  });

  it("copyOut writes exactly 16 words at the offset (canaries around it stay)", () => {
    const q = new EventQueue();
    q.pushFill(1, 2, 3, 4, 5, 6, 7, Side.Buy);
    const dst = new Int32Array(EVENT_RECORD_WORDS * 3).fill(0x5a5a5a5a);
    q.copyOut(0, dst, EVENT_RECORD_WORDS);
    for (let k = 0; k < EVENT_RECORD_WORDS; k++) expect(dst[k]).toBe(0x5a5a5a5a);
    for (let k = 2 * EVENT_RECORD_WORDS; k < dst.length; k++) expect(dst[k]).toBe(0x5a5a5a5a);
    expect(dst[EVENT_RECORD_WORDS + EventWord.kind]).toBe(EventKind.Fill);
  });

  it("pushRecord copies a market record verbatim", () => {
    const q = new EventQueue();
    const src = quote(2, 100, 5, 101, 7);
    q.pushRecord(src, 0);
    const dst = new Int32Array(EVENT_RECORD_WORDS);
    q.copyOut(0, dst, 0);
    expect(Array.from(dst)).toEqual(Array.from(src));
  });

  it("grows by doubling, keeps every record through many laps, and clear() keeps the storage", () => {
    const seed = testSeed("eventQueue.grow");
    const rand = prng(seed);
    const q = new EventQueue(2);
    const expected: number[][] = [];
    for (let lap = 0; lap < 20; lap++) {
      const n = randInt(rand, 0, 300);
      expected.length = 0;
      for (let k = 0; k < n; k++) {
        const id = randInt(rand, 1, 1_000_000);
        const t = randInt(rand, 0, 2 ** 52);
        q.pushFill(k % 7, lap, t, id * 3, id, k, id, Side.Buy);
        expected.push([k % 7, lap, t, id * 3, id, k, id]);
      }
      const got = drain(q);
      expect(got.length).toBe(n);
      got.forEach((e, k) => {
        if (e.kind !== "fill") throw new Error("expected a fill");
        expect([e.instrument, e.seq, e.timeNs, e.priceTicks, e.qtyLots, e.leavesLots, e.orderId]).toEqual(expected[k]);
      });
      expect(q.length).toBe(0);
    }
    const cap = q.capacity;
    expect(cap).toBeGreaterThanOrEqual(256);
    expect(Math.log2(cap) % 1).toBe(0); // 2 doubled: a power of two
    q.clear();
    expect(q.capacity).toBe(cap);
  });

  it("records pushed while reading are read in the same pass (FIFO)", () => {
    const q = new EventQueue(1);
    q.pushTimer(0, 0, 1, 0);
    const seen: number[] = [];
    for (let i = 0; i < q.length; i++) {
      const id = q.wordAt(i, EventWord.ref);
      seen.push(id);
      if (id < 5) q.pushTimer(0, 0, id + 1, 0);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it("rejects a bad initial capacity", () => {
    expect(() => new EventQueue(0)).toThrow(/initialCapacity must be a positive integer, got 0/);
  });
});
