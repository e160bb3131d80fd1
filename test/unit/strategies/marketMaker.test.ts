import { beforeAll, describe, expect, it } from "vitest";
import { Denial, OrderType, Side, TimeInForce } from "../../../host/abi/codes.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { FakeHost } from "./fakeHost.ts";
import { compileExample, params } from "./examples.ts";

const INST = 1;
const P = { instrument: INST, spread_ticks: 4, qty_lots: 1, max_inventory_lots: 3, skew_ticks_per_lot: 1, requote_ticks: 1 };

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await compileExample("market-maker");
});

async function started(extra: Record<string, number> = {}): Promise<FakeHost> {
  const host = await FakeHost.instantiate(wasm, params({ ...P, ...extra }));
  host.start();
  return host;
}

function quotes(host: FakeHost) {
  const working = host.workingOrders();
  const bids = working.filter((o) => o.side === Side.Buy);
  const asks = working.filter((o) => o.side === Side.Sell);
  return { bids, asks };
}

describe("market-maker strategy", () => {
  it("quotes both sides around the mid with GTC limits", async () => {
    const host = await started();
    host.quote(INST, 1000, 1002);
    const { bids, asks } = quotes(host);
    expect(bids).toHaveLength(1);
    expect(asks).toHaveLength(1);
    expect(bids[0]).toMatchObject({ priceTicks: 999, qtyLots: 1, type: OrderType.Limit, tif: TimeInForce.GTC });
    expect(asks[0]).toMatchObject({ priceTicks: 1003, qtyLots: 1, type: OrderType.Limit, tif: TimeInForce.GTC });
  });

  it("does not requote while the mid stays put, and requotes (cancel + new) when it moves", async () => {
    const host = await started();
    host.quote(INST, 1000, 1002);
    const submitsBefore = host.callsNamed("submit_order").length;
    host.quote(INST, 1000, 1002);
    expect(host.callsNamed("submit_order").length).toBe(submitsBefore);
    host.quote(INST, 1001, 1003); // mid 1001 -> 1002; crosses neither of our quotes
    expect(host.fills).toHaveLength(0);
    expect(host.callsNamed("cancel_order").map((c) => c.result)).toEqual([0, 0]);
    const { bids, asks } = quotes(host);
    expect(bids.map((o) => o.priceTicks)).toEqual([1000]);
    expect(asks.map((o) => o.priceTicks)).toEqual([1004]);
  });

  it("skews both quotes away from inventory after fills and stops bidding at the cap", async () => {
    const host = await started();
    host.quote(INST, 1000, 1002);
    let { bids, asks } = quotes(host);
    const flat = { bid: bids[0].priceTicks, ask: asks[0].priceTicks };

    host.fillOrder(bids[0].id); // long 1
    expect(host.position(INST)).toBe(1);
    host.quote(INST, 1000, 1002);
    ({ bids, asks } = quotes(host));
    expect(bids[0].priceTicks).toBe(flat.bid - 1);
    expect(asks[0].priceTicks).toBe(flat.ask - 1);

    host.fillOrder(bids[0].id); // long 2
    host.quote(INST, 1000, 1002);
    ({ bids, asks } = quotes(host));
    expect(bids[0].priceTicks).toBe(flat.bid - 2);
    expect(asks[0].priceTicks).toBe(flat.ask - 2);

    host.fillOrder(bids[0].id); // long 3 = max_inventory_lots
    host.quote(INST, 1000, 1002);
    ({ bids, asks } = quotes(host));
    expect(bids).toHaveLength(0);
    expect(asks).toHaveLength(1);
    // Skewed so far down it would cross the book: pinned one tick above the best bid, still passive.
    expect(asks[0].priceTicks).toBe(1001);

    host.fillOrder(asks[0].id); // back to long 2: bidding resumes
    host.quote(INST, 1000, 1002);
    ({ bids, asks } = quotes(host));
    expect(host.position(INST)).toBe(2);
    expect(bids).toHaveLength(1);
    expect(asks).toHaveLength(1);
    expect(asks[0].priceTicks).toBeGreaterThan(bids[0].priceTicks);
  });

  it("skews upward when short", async () => {
    const host = await started();
    host.quote(INST, 1000, 1002);
    host.fillOrder(quotes(host).asks[0].id); // short 1
    host.quote(INST, 1000, 1002);
    const { bids, asks } = quotes(host);
    expect(host.position(INST)).toBe(-1);
    expect(bids[0].priceTicks).toBe(1000); // 999 + 1, still below the ask 1002
    expect(asks[0].priceTicks).toBe(1004);
  });

  it("backs off after a denial instead of retrying every event, then resumes", async () => {
    const host = await started();
    host.denyQueue.push(Denial.Throttle);
    host.quote(INST, 1000, 1002);
    expect(host.callsNamed("submit_order")).toHaveLength(1);
    expect(host.logs.some((l) => l.text.includes("throttle"))).toBe(true);
    for (let i = 0; i < 8; i++) host.quote(INST, 1000 + (i % 2), 1002 + (i % 2));
    expect(host.callsNamed("submit_order")).toHaveLength(1);
    for (let i = 0; i < 4; i++) host.quote(INST, 1000, 1002);
    const { bids, asks } = quotes(host);
    expect(bids).toHaveLength(1);
    expect(asks).toHaveLength(1);
  });

  it("keeps |position| within max_inventory_lots and one order per side on a seeded random walk", async () => {
    const seed = testSeed("market-maker random walk");
    const rand = prng(seed);
    const host = await started();
    host.recordCalls = false;
    let mid = 10_000;
    let maxAbs = 0;
    for (let i = 0; i < 3000; i++) {
      mid += randInt(rand, -2, 2);
      host.quote(INST, mid - 1, mid + 1);
      // The market trades through one of our quotes now and then.
      if (rand() < 0.2) {
        const working = host.workingOrders();
        if (working.length > 0) host.fillOrder(working[randInt(rand, 0, working.length - 1)].id);
      }
      const { bids, asks } = quotes(host);
      expect(bids.length).toBeLessThanOrEqual(1);
      expect(asks.length).toBeLessThanOrEqual(1);
      maxAbs = Math.max(maxAbs, Math.abs(host.position(INST)));
    }
    expect(maxAbs).toBeLessThanOrEqual(P.max_inventory_lots);
    expect(host.fills.length).toBeGreaterThan(100);
  });
});
