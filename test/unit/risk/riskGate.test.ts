import { describe, expect, it } from "vitest";
import { Denial, KillSwitchState, OrderType, Side, TimeInForce } from "../../../host/abi/codes.ts";
import { RiskGate, type RiskView } from "../../../host/risk/riskGate.ts";
import { riskLimits, type RiskLimits } from "../../../host/risk/riskLimits.ts";
import type { OrderFields } from "../../../host/venue/orderFields.ts";

class FakeView implements RiskView {
  instrumentCount = 2;
  position = [0, 0];
  workingBuy = [0, 0];
  workingSell = [0, 0];
  working = 0;
  reference = [1_000, 1_000];
  positionLots(i: number) { return this.position[i]; }
  workingBuyLots(i: number) { return this.workingBuy[i]; }
  workingSellLots(i: number) { return this.workingSell[i]; }
  workingOrders() { return this.working; }
  referencePriceTicks(i: number) { return this.reference[i]; }
}

// Generous limits so each test trips exactly the check it is about.
const LOOSE: Partial<RiskLimits> = {
  maxOrderQtyLots: 100, maxNotionalTicksLots: 1_000_000, priceCollarBps: 500, maxPositionLots: 1_000,
  maxWorkingOrders: 10, throttleMaxOrders: 1_000, throttleWindowNs: 1_000,
};

function gate(over: Partial<RiskLimits> = {}, view = new FakeView()) {
  return { g: new RiskGate(riskLimits({ ...LOOSE, ...over }), view), view };
}

function order(o: Partial<OrderFields> = {}): OrderFields {
  return { instrument: 0, side: Side.Buy, type: OrderType.Limit, tif: TimeInForce.GTC, priceTicks: 1_000, qtyLots: 1, clientTag: 0, ...o } as OrderFields;
}

describe("RiskGate: one test per denial", () => {
  it("passes a plain order and counts it", () => {
    const { g } = gate();
    expect(g.check(order(), 0)).toBe(0);
    expect(g.accepted).toBe(1);
    expect(Array.from(g.denials).every((n) => n === 0)).toBe(true);
  });

  it("UnknownInstrument: outside [0, instrumentCount) or not an integer", () => {
    const { g } = gate();
    for (const instrument of [2, -1, 0.5, NaN, Infinity, 2 ** 32]) {
      expect(g.check(order({ instrument }), 0)).toBe(Denial.UnknownInstrument);
    }
    expect(g.denials[Denial.UnknownInstrument]).toBe(6);
  });

  it("MaxOrderQty: above the limit, or not a positive integer", () => {
    const { g } = gate({ maxOrderQtyLots: 5 });
    expect(g.check(order({ qtyLots: 5 }), 0)).toBe(0);
    for (const qtyLots of [6, 0, -1, 1.5, NaN, 2 ** 53]) expect(g.check(order({ qtyLots }), 0)).toBe(Denial.MaxOrderQty);
  });

  it("NoReferencePrice: no quote or trade seen yet", () => {
    const { g, view } = gate();
    view.reference[0] = 0;
    expect(g.check(order(), 0)).toBe(Denial.NoReferencePrice);
    view.reference[0] = NaN;
    expect(g.check(order({ type: OrderType.Market, priceTicks: 0 }), 0)).toBe(Denial.NoReferencePrice);
  });

  it("PriceCollar: |price - ref| * 10000 > bps * ref, inclusive edge passes", () => {
    const { g } = gate({ priceCollarBps: 500 }); // ref 1000: ±50 ticks
    expect(g.check(order({ priceTicks: 1_050 }), 0)).toBe(0);
    expect(g.check(order({ priceTicks: 950 }), 0)).toBe(0);
    expect(g.check(order({ priceTicks: 1_051 }), 0)).toBe(Denial.PriceCollar);
    expect(g.check(order({ priceTicks: 949, side: Side.Sell }), 0)).toBe(Denial.PriceCollar);
    for (const priceTicks of [0, -5, 1.5, NaN]) expect(g.check(order({ priceTicks }), 0)).toBe(Denial.PriceCollar);
  });

  it("PriceCollar: market orders have no collar; an unknown type is refused here", () => {
    const { g } = gate({ priceCollarBps: 1 });
    expect(g.check(order({ type: OrderType.Market, priceTicks: 0 }), 0)).toBe(0);
    expect(g.check(order({ type: 7 as OrderType }), 0)).toBe(Denial.PriceCollar);
  });

  it("MaxNotional: qty * limit price, or qty * reference for market orders", () => {
    const { g, view } = gate({ maxNotionalTicksLots: 10_000 });
    expect(g.check(order({ qtyLots: 10, priceTicks: 1_000 }), 0)).toBe(0);
    expect(g.check(order({ qtyLots: 10, priceTicks: 1_001 }), 0)).toBe(Denial.MaxNotional);
    view.reference[0] = 1_001;
    expect(g.check(order({ qtyLots: 10, type: OrderType.Market, priceTicks: 0 }), 0)).toBe(Denial.MaxNotional);
  });

  it("MaxNotional is exact beyond 2^53 (no rounding lets an order through)", () => {
    const view = new FakeView();
    const ref = 2 ** 52 + 1;
    view.reference[0] = ref;
    const limit = Number.MAX_SAFE_INTEGER; // 2^53 - 1
    const { g } = gate({ maxNotionalTicksLots: limit, maxOrderQtyLots: 4, priceCollarBps: 10_000 }, view);
    // 2 * (2^52 + 1) = 2^53 + 2 > 2^53 - 1: a float product would also say so, but ...
    expect(g.check(order({ qtyLots: 2, priceTicks: ref }), 0)).toBe(Denial.MaxNotional);
    // ... 1 * (2^53 - 1) is exactly at the limit and must pass.
    const g2 = gate({ maxNotionalTicksLots: limit, priceCollarBps: 10_000 }, Object.assign(new FakeView(), { reference: [limit, 1] })).g;
    expect(g2.check(order({ qtyLots: 1, priceTicks: limit }), 0)).toBe(0);
  });

  it("MaxPosition: worst case counts same-side working lots", () => {
    const { g, view } = gate({ maxPositionLots: 10 });
    view.position[0] = 4;
    view.workingBuy[0] = 5;
    expect(g.check(order({ qtyLots: 1 }), 0)).toBe(0); // 4 + 5 + 1 = 10
    expect(g.check(order({ qtyLots: 2 }), 0)).toBe(Denial.MaxPosition);
    view.workingSell[0] = 13;
    expect(g.check(order({ side: Side.Sell, qtyLots: 1 }), 0)).toBe(0); // 4 - 13 - 1 = -10
    expect(g.check(order({ side: Side.Sell, qtyLots: 2 }), 0)).toBe(Denial.MaxPosition);
    expect(g.check(order({ side: 3 as Side }), 0)).toBe(Denial.MaxPosition);
  });

  it("MaxPosition fails closed on a broken view (not a safe integer, or beyond ±2^50)", () => {
    const { g, view } = gate();
    view.position[0] = NaN;
    expect(g.check(order(), 0)).toBe(Denial.MaxPosition);
    view.position[0] = 0;
    view.workingBuy[0] = -1;
    expect(g.check(order(), 0)).toBe(Denial.MaxPosition);
    view.workingBuy[0] = 2 ** 50 + 1;
    expect(g.check(order(), 0)).toBe(Denial.MaxPosition);
  });

  it("MaxWorkingOrders: at the limit no new order", () => {
    const { g, view } = gate({ maxWorkingOrders: 3 });
    view.working = 2;
    expect(g.check(order(), 0)).toBe(0);
    view.working = 3;
    expect(g.check(order(), 0)).toBe(Denial.MaxWorkingOrders);
    view.working = -1;
    expect(g.check(order(), 0)).toBe(Denial.MaxWorkingOrders);
  });

  it("Throttle: at most N accepted orders in any window of event time", () => {
    const { g } = gate({ throttleMaxOrders: 3, throttleWindowNs: 100 });
    expect([g.check(order(), 0), g.check(order(), 10), g.check(order(), 50)]).toEqual([0, 0, 0]);
    expect(g.check(order(), 99)).toBe(Denial.Throttle); // 0, 10, 50 still inside (−1, 99]
    expect(g.check(order(), 100)).toBe(0); // the order at 0 left the window
    expect(g.check(order(), 109)).toBe(Denial.Throttle);
    expect(g.check(order(), 110)).toBe(0);
    // Denied orders do not use up the window; other denials are not throttled.
    expect(g.check(order({ qtyLots: 0 }), 110)).toBe(Denial.MaxOrderQty);
    expect(g.denials[Denial.Throttle]).toBe(2);
  });

  it("event time never runs backwards for the throttle (earlier or bad times count as the latest)", () => {
    const { g } = gate({ throttleMaxOrders: 1, throttleWindowNs: 100 });
    expect(g.check(order(), 1_000)).toBe(0);
    expect(g.check(order(), 0)).toBe(Denial.Throttle); // treated as 1000
    expect(g.check(order(), NaN)).toBe(Denial.Throttle);
    expect(g.check(order(), 1_100)).toBe(0);
  });

  it("runs the checks in the documented order", () => {
    const { g, view } = gate({ maxOrderQtyLots: 1, maxWorkingOrders: 1 });
    view.reference[0] = 0;
    view.working = 5;
    g.setKillSwitch(KillSwitchState.Halted);
    const bad = order({ qtyLots: 2, priceTicks: 1 });
    expect(g.check(order({ instrument: 9, qtyLots: 2 }), 0)).toBe(Denial.UnknownInstrument);
    expect(g.check(bad, 0)).toBe(Denial.KillSwitchHalted);
    g.setKillSwitch(KillSwitchState.Active);
    expect(g.check(bad, 0)).toBe(Denial.MaxOrderQty);
    expect(g.check(order({ priceTicks: 1 }), 0)).toBe(Denial.NoReferencePrice);
    view.reference[0] = 1_000;
    expect(g.check(order({ priceTicks: 1 }), 0)).toBe(Denial.PriceCollar);
  });
});

describe("RiskGate: kill switch", () => {
  it("starts Active; Halted denies everything; back to Active accepts again", () => {
    const { g } = gate();
    expect(g.killSwitch).toBe(KillSwitchState.Active);
    g.setKillSwitch(KillSwitchState.Halted);
    expect(g.killSwitch).toBe(KillSwitchState.Halted);
    expect(g.check(order(), 0)).toBe(Denial.KillSwitchHalted);
    expect(g.check(order({ side: Side.Sell }), 0)).toBe(Denial.KillSwitchHalted);
    g.setKillSwitch(KillSwitchState.Active);
    expect(g.check(order(), 0)).toBe(0);
  });

  it("Reducing: only orders that shrink |position| without flipping it, counting working orders", () => {
    const { g, view } = gate();
    g.setKillSwitch(KillSwitchState.Reducing);
    expect(g.check(order(), 0)).toBe(Denial.KillSwitchReducing); // flat: nothing reduces
    view.position[0] = 5;
    expect(g.check(order(), 0)).toBe(Denial.KillSwitchReducing); // buying more
    expect(g.check(order({ side: Side.Sell, qtyLots: 5 }), 0)).toBe(0);
    expect(g.check(order({ side: Side.Sell, qtyLots: 6 }), 0)).toBe(Denial.KillSwitchReducing); // would flip
    view.workingSell[0] = 3;
    expect(g.check(order({ side: Side.Sell, qtyLots: 3 }), 0)).toBe(Denial.KillSwitchReducing); // 3 working + 3 > 5
    expect(g.check(order({ side: Side.Sell, qtyLots: 2 }), 0)).toBe(0);
    view.position[0] = -4;
    view.workingBuy[0] = 1;
    expect(g.check(order({ side: Side.Buy, qtyLots: 3 }), 0)).toBe(0);
    expect(g.check(order({ side: Side.Buy, qtyLots: 4 }), 0)).toBe(Denial.KillSwitchReducing);
    expect(g.check(order({ side: Side.Sell, qtyLots: 1 }), 0)).toBe(Denial.KillSwitchReducing);
    expect(g.check(order({ side: Side.Buy, qtyLots: 0 }), 0)).toBe(Denial.KillSwitchReducing);
  });

  it("Reducing still applies the later checks", () => {
    const { g, view } = gate({ priceCollarBps: 10 });
    view.position[0] = 5;
    g.setKillSwitch(KillSwitchState.Reducing);
    expect(g.check(order({ side: Side.Sell, priceTicks: 500 }), 0)).toBe(Denial.PriceCollar);
  });

  it("rejects an unknown kill switch state (a host bug)", () => {
    const { g } = gate();
    expect(() => g.setKillSwitch(3 as KillSwitchState)).toThrow(/state must be 0 \(active\), 1 \(reducing\) or 2 \(halted\), got 3/);
  });
});

describe("RiskGate: construction", () => {
  it("revalidates hand-built limits", () => {
    const bad = { ...riskLimits(), maxWorkingOrders: 0 };
    expect(() => new RiskGate(bad, new FakeView())).toThrow("riskLimits: maxWorkingOrders must be a positive safe integer, got 0");
  });

  it("denials has one slot per Denial code", () => {
    const { g } = gate();
    expect(g.denials.length).toBe(Math.max(...Object.values(Denial)) + 1);
  });
});
