import { describe, expect, it } from "vitest";
import { EVENT_RECORD_WORDS } from "../../../host/abi/eventRecord.ts";
import { HostStatus, OrderStatus, OrderType, TimeInForce } from "../../../host/abi/codes.ts";
import { EventQueue } from "../../../host/venue/eventQueue.ts";
import type { FillModel } from "../../../host/venue/fillModel.ts";
import { SimVenue } from "../../../host/venue/simVenue.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { BUY, SELL, drain, limit, market, quote, trade } from "./venueHelpers.ts";

const { Working, PartiallyFilled, Filled, Cancelled, Expired, CancelledByRisk } = OrderStatus;
const IOC = TimeInForce.IOC;

function setup(instruments = 1, model?: FillModel) {
  const q = new EventQueue(4);
  const v = new SimVenue(instruments, q, model);
  return { q, v };
}

describe("SimVenue: orders that meet the current quote", () => {
  it("a limit buy at or above the ask fills at the ask, up to the ask size", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    expect(drain(q)).toEqual([]);
    const id = v.submit(limit(BUY, 102, 3), 2_000, 7);
    expect(id).toBe(1);
    expect(drain(q)).toEqual([
      { kind: "fill", instrument: 0, seq: 7, timeNs: 2_000, priceTicks: 101, qtyLots: 3, leavesLots: 0, orderId: 1, side: BUY },
      { kind: "update", instrument: 0, seq: 7, timeNs: 2_000, priceTicks: 102, leavesLots: 0, cumLots: 3, orderId: 1, status: Filled, reason: 0 },
    ]);
    const a = v.account(0);
    expect([a.positionLots, a.cashTicksLots, a.workingOrders, a.fills]).toEqual([3, -303, 0, 1]);
  });

  it("a limit buy exactly at the ask fills; one tick below rests", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    v.submit(limit(BUY, 101, 1), 0, 1);
    expect(drain(q).map((e) => e.kind)).toEqual(["fill", "update"]);
    v.submit(limit(BUY, 100, 1), 0, 1);
    expect(drain(q)).toMatchObject([{ kind: "update", status: Working, leavesLots: 1, cumLots: 0, orderId: 2 }]);
  });

  it("partial fill up to displayed size: the GTC remainder rests as PartiallyFilled", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    v.submit(limit(BUY, 102, 8), 0, 1);
    expect(drain(q)).toMatchObject([
      { kind: "fill", priceTicks: 101, qtyLots: 5, leavesLots: 3 },
      { kind: "update", status: PartiallyFilled, priceTicks: 102, leavesLots: 3, cumLots: 5 },
    ]);
    const a = v.account(0);
    expect([a.positionLots, a.workingBuyLots, a.workingOrders]).toEqual([5, 3, 1]);
    expect([...v.workingOrders()].map((o) => [o.orderId, o.leavesLots, o.filledLots])).toEqual([[1, 3, 5]]);
  });

  it("the same displayed size is not taken twice: a second order in the same quote finds it gone", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    v.submit(limit(BUY, 101, 4), 0, 1);
    v.submit(limit(BUY, 101, 4, IOC), 0, 1);
    expect(drain(q)).toMatchObject([
      { kind: "fill", qtyLots: 4 },
      { kind: "update", status: Filled },
      { kind: "fill", qtyLots: 1, leavesLots: 3 },
      { kind: "update", status: Expired, leavesLots: 0, cumLots: 1 },
    ]);
    v.submit(market(BUY, 1), 0, 1);
    expect(drain(q)).toMatchObject([{ kind: "update", status: Expired, cumLots: 0 }]);
    // A new quote brings new size.
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    v.submit(market(BUY, 1), 0, 1);
    expect(drain(q)).toMatchObject([{ kind: "fill", qtyLots: 1, priceTicks: 101 }, { kind: "update", status: Filled }]);
  });

  it("IOC that does not cross expires with no fill", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    v.submit(limit(SELL, 100, 2, IOC), 0, 1);
    expect(drain(q)).toMatchObject([{ kind: "update", status: Expired, leavesLots: 0, cumLots: 0, priceTicks: 100 }]);
    expect(v.account(0).workingOrders).toBe(0);
    expect(v.cancel(1, 0, 1)).toBe(HostStatus.OrderNotWorking);
  });

  it("market orders take the touch up to displayed size; the remainder expires even when GTC", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 4, 101, 5), 0);
    v.submit({ ...market(SELL, 6), tif: TimeInForce.GTC }, 0, 1);
    expect(drain(q)).toMatchObject([
      { kind: "fill", priceTicks: 99, qtyLots: 4, leavesLots: 2, side: SELL },
      { kind: "update", status: Expired, priceTicks: 0, leavesLots: 0, cumLots: 4 },
    ]);
    expect(v.account(0).positionLots).toBe(-4);
    expect(v.account(0).cashTicksLots).toBe(396);
    expect(v.account(0).workingOrders).toBe(0);
  });

  it("a market order with no quote, or an empty side, expires without a fill", () => {
    const { q, v } = setup();
    v.submit(market(BUY, 1), 0, 1);
    expect(drain(q)).toMatchObject([{ kind: "update", status: Expired, cumLots: 0 }]);
    v.onMarket(quote(0, 99, 4, 0, 0), 0); // no ask
    v.submit(market(BUY, 1), 0, 1);
    expect(drain(q)).toMatchObject([{ kind: "update", status: Expired, cumLots: 0 }]);
  });
});

describe("SimVenue: resting orders", () => {
  it("fill at their own limit price when a later quote's ask reaches them, up to ask size", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 103, 5), 0);
    v.submit(limit(BUY, 102, 3), 0, 1);
    drain(q);
    v.onMarket(quote(0, 99, 10, 100, 2, 5_000, 9), 0);
    expect(drain(q)).toEqual([
      { kind: "fill", instrument: 0, seq: 9, timeNs: 5_000, priceTicks: 102, qtyLots: 2, leavesLots: 1, orderId: 1, side: BUY },
      { kind: "update", instrument: 0, seq: 9, timeNs: 5_000, priceTicks: 102, leavesLots: 1, cumLots: 2, orderId: 1, status: PartiallyFilled, reason: 0 },
    ]);
    // The quote's remaining size (0) is gone for new orders too.
    v.submit(market(BUY, 1), 0, 9);
    expect(drain(q)).toMatchObject([{ kind: "update", status: Expired, cumLots: 0 }]);
    v.onMarket(quote(0, 99, 10, 102, 10, 6_000, 10), 0);
    expect(drain(q)).toMatchObject([
      { kind: "fill", priceTicks: 102, qtyLots: 1, leavesLots: 0 },
      { kind: "update", status: Filled, leavesLots: 0, cumLots: 3, orderId: 1 },
    ]);
    const a = v.account(0);
    expect([a.positionLots, a.cashTicksLots, a.workingBuyLots, a.workingOrders, a.fills]).toEqual([3, -306, 0, 0, 2]);
    // What the resting order left of the ask (9 lots) is still there for a new order.
    v.submit(limit(BUY, 102, 20, IOC), 0, 10);
    expect(drain(q)).toMatchObject([{ kind: "fill", priceTicks: 102, qtyLots: 9 }, { kind: "update", status: Expired }]);
  });

  it("a resting sell fills when a later quote's bid reaches it", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 103, 5), 0);
    v.submit(limit(SELL, 101, 4), 0, 1);
    drain(q);
    v.onMarket(quote(0, 101, 3, 103, 5), 0);
    expect(drain(q)).toMatchObject([
      { kind: "fill", priceTicks: 101, qtyLots: 3, leavesLots: 1, side: SELL },
      { kind: "update", status: PartiallyFilled },
    ]);
  });

  it("fill on trades printing at or through their price, up to the printed size", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 110, 5), 0);
    v.submit(limit(SELL, 105, 4), 0, 1);
    drain(q);
    v.onMarket(trade(0, 104, 10), 0); // below a sell's limit: no fill
    expect(drain(q)).toEqual([]);
    v.onMarket(trade(0, 106, 3), 0); // through it
    expect(drain(q)).toMatchObject([
      { kind: "fill", priceTicks: 105, qtyLots: 3, leavesLots: 1 },
      { kind: "update", status: PartiallyFilled, leavesLots: 1, cumLots: 3 },
    ]);
    v.onMarket(trade(0, 105, 10), 0); // at it
    expect(drain(q)).toMatchObject([
      { kind: "fill", priceTicks: 105, qtyLots: 1, leavesLots: 0 },
      { kind: "update", status: Filled, cumLots: 4 },
    ]);
    expect(v.account(0).cashTicksLots).toBe(420);
  });

  it("meet liquidity in price-time priority and never take more than displayed", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 90, 10, 110, 5), 0);
    const a = v.submit(limit(BUY, 100, 2), 0, 1);
    const b = v.submit(limit(BUY, 101, 2), 0, 1);
    const c = v.submit(limit(BUY, 101, 2), 0, 1);
    drain(q);
    v.onMarket(quote(0, 90, 10, 100, 3), 0);
    const fills = drain(q).filter((e) => e.kind === "fill");
    expect(fills.map((e) => [e.kind === "fill" && e.orderId, e.kind === "fill" && e.qtyLots])).toEqual([[b, 2], [c, 1]]);
    expect(a).toBe(1);
    // A print offers its size once to the buys (c first: better price; then a).
    v.onMarket(trade(0, 99, 2), 0);
    const f2 = drain(q).filter((e) => e.kind === "fill");
    expect(f2.map((e) => e.kind === "fill" && [e.orderId, e.qtyLots])).toEqual([[c, 1], [a, 1]]);
  });

  it("a print's size is offered once to buys and once to sells (it has a buyer and a seller)", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 90, 10, 110, 5), 0);
    v.submit(limit(BUY, 101, 5), 0, 1);
    v.submit(limit(SELL, 99, 5), 0, 1);
    drain(q);
    v.onMarket(trade(0, 100, 2), 0);
    const fills = drain(q).filter((e) => e.kind === "fill");
    expect(fills).toMatchObject([{ orderId: 1, qtyLots: 2, priceTicks: 101 }, { orderId: 2, qtyLots: 2, priceTicks: 99 }]);
  });

  it("ignore other instruments' market data and malformed sides", () => {
    const { q, v } = setup(2);
    v.onMarket(quote(1, 99, 10, 101, 5), 0);
    v.submit(limit(BUY, 100, 1, TimeInForce.GTC, 1), 0, 1);
    drain(q);
    v.onMarket(quote(0, 1, 1, 100, 100), 0); // instrument 0: no effect on instrument 1's order
    v.onMarket(quote(1, 99, 10, 100, 0), 0); // zero-size ask: absent side
    v.onMarket(quote(1, 99, 10, -100, 5), 0); // negative price: absent side
    v.onMarket(quote(5, 1, 1, 1, 100), 0); // unknown instrument: ignored
    v.onMarket(trade(1, 100, 0), 0); // zero-size print
    expect(drain(q)).toEqual([]);
    expect(v.account(1).workingOrders).toBe(1);
  });
});

describe("SimVenue: cancels", () => {
  it("cancel: Ok with a Cancelled update, then OrderNotWorking; unknown ids are UnknownOrder", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 2), 0);
    const id = v.submit(limit(BUY, 101, 5), 0, 1); // 2 filled, 3 rest
    drain(q);
    expect(v.cancel(id, 3_000, 4)).toBe(HostStatus.Ok);
    expect(drain(q)).toEqual([
      { kind: "update", instrument: 0, seq: 4, timeNs: 3_000, priceTicks: 101, leavesLots: 0, cumLots: 2, orderId: id, status: Cancelled, reason: 0 },
    ]);
    const a = v.account(0);
    expect([a.workingBuyLots, a.workingOrders, a.positionLots]).toEqual([0, 0, 2]);
    expect(v.cancel(id, 0, 0)).toBe(HostStatus.OrderNotWorking);
    for (const bad of [0, -1, 2, 999, 1.5, NaN, Infinity]) expect(v.cancel(bad, 0, 0)).toBe(HostStatus.UnknownOrder);
    expect(drain(q)).toEqual([]);
    expect(v.stats.cancels).toBe(1);
  });

  it("a filled order cannot be cancelled", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    const id = v.submit(limit(BUY, 101, 1), 0, 1);
    drain(q);
    expect(v.cancel(id, 0, 0)).toBe(HostStatus.OrderNotWorking);
  });

  it("cancelAll cancels every working order in id order with the given status and reason", () => {
    const { q, v } = setup(2);
    v.onMarket(quote(0, 90, 10, 110, 5), 0);
    v.onMarket(quote(1, 90, 10, 110, 5), 0);
    v.submit(limit(SELL, 120, 3, TimeInForce.GTC, 1), 0, 1);
    v.submit(limit(BUY, 100, 2), 0, 1);
    v.submit(limit(BUY, 95, 1, TimeInForce.GTC, 1), 0, 1);
    drain(q);
    expect(v.cancelAll(CancelledByRisk, 9_000, 3, 7)).toBe(3);
    const ev = drain(q);
    expect(ev.map((e) => e.kind === "update" && [e.orderId, e.status, e.reason, e.leavesLots, e.timeNs])).toEqual([
      [1, CancelledByRisk, 7, 0, 9_000], [2, CancelledByRisk, 7, 0, 9_000], [3, CancelledByRisk, 7, 0, 9_000],
    ]);
    for (const i of [0, 1]) {
      const a = v.account(i);
      expect([a.workingBuyLots, a.workingSellLots, a.workingOrders]).toEqual([0, 0, 0]);
    }
    expect([...v.workingOrders()]).toEqual([]);
    expect(v.cancelAll(CancelledByRisk, 0, 0)).toBe(0);
    // Cancelled orders are gone from the book: a crossing quote fills nothing.
    v.onMarket(quote(0, 90, 10, 50, 50), 0);
    expect(drain(q)).toEqual([]);
    expect(v.stats.cancels).toBe(3);
  });
});

describe("SimVenue: reference price, accounts, stats", () => {
  it("reference price: floored mid of a two-sided quote, else last trade, else 0", () => {
    const { v } = setup(1);
    expect(v.referencePriceTicks(0)).toBe(0);
    v.onMarket(trade(0, 105, 1), 0);
    expect(v.referencePriceTicks(0)).toBe(105);
    v.onMarket(quote(0, 100, 1, 103, 1), 0);
    expect(v.referencePriceTicks(0)).toBe(101);
    v.onMarket(quote(0, 2 ** 53 - 3, 1, 2 ** 53 - 1, 1), 0);
    expect(v.referencePriceTicks(0)).toBe(2 ** 53 - 2); // no overflow forming bid + ask
    v.onMarket(quote(0, 100, 1, 0, 0), 0);
    expect(v.referencePriceTicks(0)).toBe(105);
    expect(v.markPriceTicks(0)).toBe(105);
    expect(v.referencePriceTicks(3)).toBe(0);
    expect(v.referencePriceTicks(-1)).toBe(0);
  });

  it("reference price is floor((bid + ask) / 2) exactly, below and above 2^31, crossed quotes included", () => {
    const seed = testSeed("venue reference price");
    const rand = prng(seed);
    const { v } = setup(1);
    const edges = [1, 2, 3, 2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32, 2 ** 53 - 1];
    const pairs: [number, number][] = [];
    for (const a of edges) for (const b of edges) pairs.push([a, b]);
    for (let k = 0; k < 5_000; k++) {
      const scale = rand() < 0.5 ? 2 ** 31 : 2 ** 53 - 1;
      pairs.push([1 + Math.floor(rand() * (scale - 1)), 1 + Math.floor(rand() * (scale - 1))]);
    }
    for (const [bid, ask] of pairs) {
      v.onMarket(quote(0, bid, 1, ask, 1), 0);
      const want = Number((BigInt(bid) + BigInt(ask)) / 2n); // both positive: BigInt division floors
      const got = v.referencePriceTicks(0);
      if (got !== want) throw new Error(`seed ${seed}: bid ${bid} ask ${ask}: got ${got}, want ${want}`);
    }
  });

  it("cash, position and MTM across buys and sells", () => {
    const { q, v } = setup();
    v.onMarket(quote(0, 99, 10, 101, 10), 0);
    v.submit(limit(BUY, 101, 4), 0, 1); // -404
    v.submit(limit(SELL, 99, 1), 0, 1); // +99
    v.submit(market(SELL, 2), 0, 1); // +198
    drain(q);
    const a = v.account(0);
    expect(a.positionLots).toBe(1);
    expect(a.cashTicksLots).toBe(-404 + 99 + 198);
    expect(a.markToMarket(v.markPriceTicks(0))).toBe(-107 + 100);
    expect(v.stats).toEqual({ orders: 3, fills: 3, cancels: 0, filledLots: 7 });
  });

  it("account() of an unknown instrument is the empty account; submit to it is refused", () => {
    const { q, v } = setup(1);
    expect(v.account(4).positionLots).toBe(0);
    expect(v.submit(limit(BUY, 1, 1, TimeInForce.GTC, 4), 0, 0)).toBe(HostStatus.UnknownInstrument);
    expect(v.submit(limit(BUY, 1, 1, TimeInForce.GTC, 0.5), 0, 0)).toBe(HostStatus.UnknownInstrument);
    expect(drain(q)).toEqual([]);
    expect(v.stats.orders).toBe(0);
  });

  it("workingOrders() is in ascending id order and riskView reflects the account", () => {
    const { q, v } = setup(2);
    v.onMarket(quote(0, 90, 10, 110, 5), 0);
    v.onMarket(quote(1, 90, 10, 110, 5), 0);
    v.submit(limit(BUY, 100, 2, TimeInForce.GTC, 1), 0, 1);
    v.submit(limit(SELL, 120, 3), 0, 1);
    v.submit(limit(BUY, 101, 2), 0, 1);
    v.cancel(1, 0, 0);
    v.submit(limit(BUY, 102, 2, TimeInForce.GTC, 1), 0, 1);
    drain(q);
    expect([...v.workingOrders()].map((o) => o.orderId)).toEqual([2, 3, 4]);
    expect(v.riskView.workingOrders()).toBe(3);
    expect(v.riskView.workingBuyLots(0)).toBe(2);
    expect(v.riskView.workingSellLots(0)).toBe(3);
    expect(v.riskView.workingBuyLots(1)).toBe(2);
    expect(v.riskView.referencePriceTicks(1)).toBe(100);
    expect(v.riskView.instrumentCount).toBe(2);
  });

  it("clips a fill model that asks for more than the order or the book has", () => {
    const greedy: FillModel = {
      onSubmit: (_o, touch, _avail, out) => { out.priceTicks = touch; return 1e9; },
      onResting: (o, _k, _t, _avail, out) => { out.priceTicks = o.priceTicks; return 1e9; },
    };
    const { q, v } = setup(1, greedy);
    v.onMarket(quote(0, 99, 10, 101, 5), 0);
    v.submit(limit(BUY, 50, 8), 0, 1); // the model ignores the price: venue still caps at 5
    expect(drain(q)).toMatchObject([{ kind: "fill", qtyLots: 5, leavesLots: 3 }, { kind: "update", status: PartiallyFilled }]);
    v.onMarket(trade(0, 1, 2), 0);
    expect(drain(q)).toMatchObject([{ kind: "fill", qtyLots: 2, leavesLots: 1 }, { kind: "update" }]);
  });
});

/**
 * How events reach the venue: a fresh array each, or copied into slots of
 * batch buffers that are reused (in place, as a ring's slots are), with
 * keepQuotes() before a slot is overwritten — and, at random, a switch to
 * another buffer, which must keep the quotes by itself.
 */
function eventFeeder(v: SimVenue, mode: "fresh" | "reused", rand: () => number) {
  const SLOTS = 5;
  const buffers = [new Int32Array(SLOTS * EVENT_RECORD_WORDS), new Int32Array(SLOTS * EVENT_RECORD_WORDS)];
  let b = 0;
  let slot = 0;
  return (record: Int32Array): void => {
    if (mode === "fresh") return v.onMarket(record, 0);
    if (slot === SLOTS) {
      v.keepQuotes();
      slot = 0;
      if (rand() < 0.3) b = 1 - b;
    }
    buffers[b].set(record, slot * EVENT_RECORD_WORDS);
    v.onMarket(buffers[b], slot++ * EVENT_RECORD_WORDS);
  };
}

describe("SimVenue: determinism", () => {
  function runScript(seed: number, mode: "fresh" | "reused" = "fresh") {
    const rand = prng(seed);
    const q = new EventQueue(2);
    const v = new SimVenue(3, q);
    const feed = eventFeeder(v, mode, prng(seed ^ 0x5bd1e995));
    const log: number[][] = [];
    const flush = () => {
      for (const e of drain(q)) log.push(Object.values(e).map((x) => (typeof x === "string" ? x.length : x)));
    };
    for (let step = 0; step < 3_000; step++) {
      const i = randInt(rand, 0, 2);
      const r = rand();
      const t = step * 1_000;
      if (r < 0.3) {
        const bid = randInt(rand, 90, 100);
        feed(quote(i, bid, randInt(rand, 0, 9), bid + randInt(rand, 0, 5), randInt(rand, 0, 9), t, step));
      } else if (r < 0.45) {
        feed(trade(i, randInt(rand, 88, 107), randInt(rand, 0, 9), t, step));
      } else if (r < 0.85) {
        const type = rand() < 0.2 ? OrderType.Market : OrderType.Limit;
        v.submit({
          instrument: i, side: rand() < 0.5 ? BUY : SELL, type, tif: rand() < 0.3 ? IOC : TimeInForce.GTC,
          priceTicks: type === OrderType.Market ? 0 : randInt(rand, 88, 107), qtyLots: randInt(rand, 1, 12), clientTag: step,
        } as never, t, step);
      } else if (r < 0.97) {
        v.cancel(randInt(rand, 0, step + 2), t, step);
      } else {
        v.cancelAll(OrderStatus.CancelledByRisk, t, step);
      }
      flush();
      log.push([...v.workingOrders()].map((o) => o.orderId));
    }
    const accounts = [0, 1, 2].map((i) => {
      const a = v.account(i);
      return [a.positionLots, a.cashTicksLots, a.workingBuyLots, a.workingSellLots, a.workingOrders, a.fills];
    });
    return { log, accounts, stats: { ...v.stats } };
  }

  it("the same inputs give bit-identical events, accounts and stats", () => {
    const seed = testSeed("simVenue.determinism");
    const a = runScript(seed);
    const b = runScript(seed);
    expect(a.log.length).toBeGreaterThan(3_000);
    expect(b).toEqual(a);
    expect(a.stats.fills).toBeGreaterThan(0);
  });

  it("quotes read in place from reused buffers (kept before reuse) give the same script as fresh arrays", () => {
    const seed = testSeed("simVenue.inPlace");
    const fresh = runScript(seed, "fresh");
    const reused = runScript(seed, "reused");
    expect(reused).toEqual(fresh);
    expect(fresh.stats.fills).toBeGreaterThan(0);
  });

  it("account invariants hold throughout a random script", () => {
    const seed = testSeed("simVenue.invariants");
    const rand = prng(seed);
    const q = new EventQueue();
    const v = new SimVenue(1, q);
    let position = 0;
    let cash = 0;
    for (let step = 0; step < 2_000; step++) {
      if (rand() < 0.4) {
        const bid = randInt(rand, 95, 100);
        v.onMarket(quote(0, bid, randInt(rand, 1, 5), bid + randInt(rand, 1, 3), randInt(rand, 1, 5), step, step), 0);
      } else if (rand() < 0.2) {
        v.onMarket(trade(0, randInt(rand, 93, 105), randInt(rand, 1, 5), step, step), 0);
      } else if (rand() < 0.8) {
        v.submit(limit(rand() < 0.5 ? BUY : SELL, randInt(rand, 93, 105), randInt(rand, 1, 6), rand() < 0.3 ? IOC : TimeInForce.GTC), step, step);
      } else {
        v.cancel(randInt(rand, 1, step + 1), step, step);
      }
      for (const e of drain(q)) {
        if (e.kind === "fill") {
          position += e.side === BUY ? e.qtyLots : -e.qtyLots;
          cash += (e.side === BUY ? -1 : 1) * e.priceTicks * e.qtyLots;
        }
      }
      const a = v.account(0);
      let wb = 0;
      let ws = 0;
      let n = 0;
      let prevId = 0;
      for (const o of v.workingOrders()) {
        const sane = o.orderId > prevId && o.leavesLots > 0 && o.leavesLots + o.filledLots === o.qtyLots;
        if (!sane) expect.fail(`step ${step}: working order ${JSON.stringify(o)} after id ${prevId}`);
        prevId = o.orderId;
        if (o.side === BUY) wb += o.leavesLots;
        else ws += o.leavesLots;
        n++;
      }
      expect([a.positionLots, a.cashTicksLots, a.workingBuyLots, a.workingSellLots, a.workingOrders]).toEqual([position, cash, wb, ws, n]);
    }
  });
});
