import { describe, expect, it } from "vitest";
import { EventKind, OrderStatus, OrderType, Side, TimeInForce } from "../../../host/abi/codes.ts";
import { EventQueue } from "../../../host/venue/eventQueue.ts";
import { TouchFillModel, TradeThroughFillModel, type FillModel } from "../../../host/venue/fillModel.ts";
import { SimVenue } from "../../../host/venue/simVenue.ts";
import { MutableVenueOrder } from "../../../host/venue/venueOrder.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { BUY, SELL, drain, limit, quote, trade } from "./venueHelpers.ts";

const MODELS: [string, () => FillModel][] = [
  ["TouchFillModel", () => new TouchFillModel()],
  ["TradeThroughFillModel", () => new TradeThroughFillModel()],
];

function randomOrder(rand: () => number): MutableVenueOrder {
  const o = new MutableVenueOrder();
  o.orderId = randInt(rand, 1, 100);
  o.side = rand() < 0.5 ? Side.Buy : Side.Sell;
  o.type = rand() < 0.2 ? OrderType.Market : OrderType.Limit;
  o.tif = rand() < 0.5 ? TimeInForce.GTC : TimeInForce.IOC;
  o.priceTicks = o.type === OrderType.Market ? 0 : randInt(rand, 90, 110);
  o.qtyLots = randInt(rand, 1, 20);
  o.leavesLots = randInt(rand, 1, o.qtyLots);
  o.filledLots = o.qtyLots - o.leavesLots;
  return o;
}

// The contract every FillModel must keep; the venue relies on it (and clips anyway).
describe.each(MODELS)("FillModel contract: %s", (_name, make) => {
  it("returns whole lots within [0, min(leaves, available)], deterministically, at a price no worse than the limit", () => {
    const seed = testSeed(`fillModel.contract.${_name}`);
    const rand = prng(seed);
    const model = make();
    const out = { priceTicks: -1 };
    for (let k = 0; k < 5_000; k++) {
      const o = randomOrder(rand);
      const ticks = randInt(rand, 85, 115);
      const avail = randInt(rand, 1, 30);
      const resting = o.type === OrderType.Limit && rand() < 0.5;
      const kind = rand() < 0.5 ? EventKind.Quote : EventKind.Trade;
      const call = () => {
        out.priceTicks = -1;
        const lots = resting ? model.onResting(o, kind, ticks, avail, out) : model.onSubmit(o, ticks, avail, out);
        return [lots, out.priceTicks];
      };
      const [lots, price] = call();
      expect(call()).toEqual([lots, price]);
      expect(Number.isInteger(lots)).toBe(true);
      expect(lots).toBeGreaterThanOrEqual(0);
      expect(lots).toBeLessThanOrEqual(Math.min(o.leavesLots, avail));
      if (lots === 0) continue;
      expect(price).toBeGreaterThan(0);
      if (o.type === OrderType.Limit) {
        if (o.side === Side.Buy) expect(price).toBeLessThanOrEqual(o.priceTicks);
        else expect(price).toBeGreaterThanOrEqual(o.priceTicks);
      }
      if (!resting) expect(price).toBe(ticks); // aggressors trade at the touch
    }
  });

  it("an incoming limit order that does not reach the touch gets nothing", () => {
    const model = make();
    const buy = Object.assign(new MutableVenueOrder(), { side: Side.Buy, type: OrderType.Limit, priceTicks: 100, qtyLots: 5, leavesLots: 5 });
    const sell = Object.assign(new MutableVenueOrder(), { side: Side.Sell, type: OrderType.Limit, priceTicks: 100, qtyLots: 5, leavesLots: 5 });
    const out = { priceTicks: 0 };
    expect(model.onSubmit(buy, 101, 10, out)).toBe(0);
    expect(model.onSubmit(sell, 99, 10, out)).toBe(0);
    expect(model.onSubmit(buy, 100, 3, out)).toBe(3);
    expect(out.priceTicks).toBe(100);
  });
});

describe("TradeThroughFillModel", () => {
  it("fills resting orders only on prints strictly through their price, never on quotes", () => {
    const q = new EventQueue();
    const v = new SimVenue(1, q, new TradeThroughFillModel());
    v.onMarket(quote(0, 90, 10, 110, 10), 0);
    v.submit(limit(BUY, 100, 5), 0, 1);
    v.submit(limit(SELL, 105, 5), 0, 1);
    drain(q);
    v.onMarket(quote(0, 106, 10, 99, 10), 0); // crosses both: a quote is not enough
    v.onMarket(trade(0, 100, 10), 0); // at the buy's price: not through
    expect(drain(q)).toEqual([]);
    v.onMarket(trade(0, 99, 2), 0);
    expect(drain(q)).toMatchObject([
      { kind: "fill", orderId: 1, priceTicks: 100, qtyLots: 2 },
      { kind: "update", status: OrderStatus.PartiallyFilled },
    ]);
    v.onMarket(trade(0, 106, 9), 0);
    expect(drain(q)).toMatchObject([
      { kind: "fill", orderId: 2, priceTicks: 105, qtyLots: 5 },
      { kind: "update", status: OrderStatus.Filled },
    ]);
  });
});
