import { beforeAll, describe, expect, it } from "vitest";
import { Denial, OrderType, Side, TimeInForce } from "../../../host/abi/codes.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { FakeHost } from "./fakeHost.ts";
import { compileExample, params } from "./examples.ts";

const INST = 2;
const P = { instrument: INST, fast_period: 4, slow_period: 16, threshold_ticks: 1, qty_lots: 2, stop_ticks: 50, allow_short: 1 };

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await compileExample("momentum");
});

async function started(extra: Record<string, number> = {}): Promise<FakeHost> {
  const host = await FakeHost.instantiate(wasm, params({ ...P, ...extra }));
  host.start();
  return host;
}

/** Quotes a trend of `steps` events moving `drift` ticks each, plus seeded noise of at most ±noise. */
function trend(host: FakeHost, from: number, steps: number, drift: number, rand: () => number, noise = 1): number {
  let mid = from;
  for (let i = 0; i < steps; i++) {
    mid += drift;
    const m = mid + randInt(rand, -noise, noise);
    host.quote(INST, m - 1, m + 1);
  }
  return mid;
}

describe("momentum strategy", () => {
  it("buys in an uptrend and sells (reversing to short) in a downtrend, with IOC market orders", async () => {
    const rand = prng(testSeed("momentum trend"));
    const host = await started();
    let mid = trend(host, 10_000, 60, +1, rand);
    expect(host.position(INST)).toBe(P.qty_lots);
    const first = host.callsNamed("submit_order")[0];
    expect(first.args.slice(1, 4)).toEqual([Side.Buy, OrderType.Market, TimeInForce.IOC]);

    mid = trend(host, mid, 60, -1, rand);
    expect(host.position(INST)).toBe(-P.qty_lots);
    const sells = host.fills.filter((f) => f.side === Side.Sell);
    expect(sells.reduce((s, f) => s + f.qtyLots, 0)).toBe(2 * P.qty_lots);

    trend(host, mid, 60, +1, rand);
    expect(host.position(INST)).toBe(P.qty_lots);
  });

  it("goes flat instead of short when allow_short=0", async () => {
    const rand = prng(testSeed("momentum long-only"));
    const host = await started({ allow_short: 0 });
    const mid = trend(host, 10_000, 60, +1, rand);
    expect(host.position(INST)).toBe(P.qty_lots);
    trend(host, mid, 60, -1, rand);
    expect(host.position(INST)).toBe(0);
  });

  it("does nothing during warm-up or a flat market", async () => {
    const rand = prng(testSeed("momentum flat"));
    const host = await started();
    trend(host, 10_000, 15, +1, rand, 0); // fewer than slow_period samples
    expect(host.callsNamed("submit_order")).toHaveLength(0);
    const host2 = await started();
    trend(host2, 10_000, 200, 0, rand, 0);
    expect(host2.callsNamed("submit_order")).toHaveLength(0);
  });

  it("stops out on an adverse move and stays flat until the signal flips", async () => {
    const rand = prng(testSeed("momentum stop"));
    const host = await started({ fast_period: 2, slow_period: 8, threshold_ticks: 0, stop_ticks: 3, allow_short: 0 });
    let mid = 10_000;
    while (host.position(INST) === 0) {
      mid += 1;
      host.quote(INST, mid - 1, mid + 1);
      expect(mid).toBeLessThan(10_100);
    }
    const entry = host.fills[0].priceTicks; // bought at the ask, mid + 1
    // One sharp dip: 4 ticks against the entry, not enough to turn the averages.
    host.quote(INST, entry - 5 - 1, entry - 5 + 1);
    expect(host.logs.some((l) => l.text.startsWith("stop: adverse"))).toBe(true);
    expect(host.position(INST)).toBe(0);
    // The uptrend resumes but the signal never flipped: no re-entry.
    mid = trend(host, entry - 5, 30, +1, rand, 0);
    expect(host.position(INST)).toBe(0);
    // A down-leg flips the signal (to flat), the next up-leg re-enters.
    mid = trend(host, mid, 30, -1, rand, 0);
    trend(host, mid, 30, +1, rand, 0);
    expect(host.position(INST)).toBe(P.qty_lots);
  });

  it("survives denials: backs off, never double-sends, then reaches the target", async () => {
    const rand = prng(testSeed("momentum denials"));
    const host = await started();
    for (let i = 0; i < 5; i++) host.denyQueue.push(Denial.MaxNotional);
    trend(host, 10_000, 400, +1, rand);
    const submits = host.callsNamed("submit_order");
    expect(submits.slice(0, 5).every((c) => c.result === -Denial.MaxNotional)).toBe(true);
    // Backoff 8, 16, 32, 64, 128 events: far fewer attempts than events.
    expect(submits.length).toBe(6);
    expect(host.position(INST)).toBe(P.qty_lots);
    expect(host.logs.filter((l) => l.text.includes("max_notional"))).toHaveLength(1);
  });
});
