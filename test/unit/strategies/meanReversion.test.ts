import { beforeAll, describe, expect, it } from "vitest";
import { Denial, OrderType, Side } from "../../../host/abi/codes.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { FakeHost } from "./fakeHost.ts";
import { compileExample, params } from "./examples.ts";

const INST = 3;
const MEAN = 5_000;
const P = { instrument: INST, window: 64, k_milli: 2000, min_dev_ticks: 1, qty_lots: 3, hold_us: 20_000, allow_short: 1 };

let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await compileExample("mean-reversion");
});

async function started(extra: Record<string, number> = {}): Promise<FakeHost> {
  const host = await FakeHost.instantiate(wasm, params({ ...P, ...extra }));
  host.start();
  return host;
}

/** Fills the window with seeded noise of ±3 ticks around MEAN (deviation ~2 ticks, band ~4). */
function noise(host: FakeHost, rand: () => number, n: number): void {
  for (let i = 0; i < n; i++) {
    const m = MEAN + randInt(rand, -3, 3);
    host.quote(INST, m - 1, m + 1);
  }
}

describe("mean-reversion strategy", () => {
  it("buys below the band and exits at the mean", async () => {
    const rand = prng(testSeed("mean-reversion below"));
    const host = await started();
    noise(host, rand, P.window);
    expect(host.callsNamed("submit_order")).toHaveLength(0);
    host.quote(INST, MEAN - 31, MEAN - 29); // mid 30 below: many deviations out
    expect(host.position(INST)).toBe(P.qty_lots);
    const buy = host.callsNamed("submit_order")[0];
    expect(buy.args.slice(1, 3)).toEqual([Side.Buy, OrderType.Market]);
    expect(host.callsNamed("set_timer")[0].args[0]).toBe(P.hold_us);

    host.quote(INST, MEAN + 4, MEAN + 6); // back above the mean
    expect(host.position(INST)).toBe(0);
    expect(host.callsNamed("cancel_timer")).toHaveLength(1);
  });

  it("sells above the band and exits at the mean", async () => {
    const rand = prng(testSeed("mean-reversion above"));
    const host = await started();
    noise(host, rand, P.window);
    host.quote(INST, MEAN + 29, MEAN + 31);
    expect(host.position(INST)).toBe(-P.qty_lots);
    host.quote(INST, MEAN - 6, MEAN - 4);
    expect(host.position(INST)).toBe(0);
  });

  it("does not trade inside the band or before the window is full", async () => {
    const rand = prng(testSeed("mean-reversion inside"));
    // ±3 ticks of uniform noise has a deviation of ~2: at 3 deviations no sample is ever outside.
    const host = await started({ k_milli: 3000 });
    host.quote(INST, MEAN - 1, MEAN + 1);
    host.quote(INST, MEAN - 101, MEAN - 99); // far out, but the window is not full yet
    noise(host, rand, P.window + 500);
    expect(host.callsNamed("submit_order")).toHaveLength(0);
  });

  it("flattens on the time stop when the price does not come back", async () => {
    const rand = prng(testSeed("mean-reversion time stop"));
    const host = await started({ window: 1024 });
    noise(host, rand, 1024);
    const low = MEAN - 30;
    host.quote(INST, low - 1, low + 1);
    expect(host.position(INST)).toBe(P.qty_lots);
    // Stay low: 1 ms per quote, so the 20 ms timer fires during these.
    for (let i = 0; i < 25 && host.logs.every((l) => !l.text.startsWith("time stop")); i++) host.quote(INST, low - 1, low + 1);
    expect(host.logs.some((l) => l.text === `time stop: position ${P.qty_lots}`)).toBe(true);
    const sellAfterTimer = host.fills.find((f) => f.side === Side.Sell);
    expect(sellAfterTimer?.qtyLots).toBe(P.qty_lots);
  });

  it("backs off on denials and still trades afterwards", async () => {
    const rand = prng(testSeed("mean-reversion denials"));
    const host = await started();
    noise(host, rand, P.window);
    host.denyQueue.push(Denial.MaxPosition);
    host.quote(INST, MEAN - 31, MEAN - 29);
    expect(host.position(INST)).toBe(0);
    expect(host.logs.some((l) => l.text.includes("max_position"))).toBe(true);
    for (let i = 0; i < 7; i++) host.quote(INST, MEAN - 31, MEAN - 29);
    expect(host.callsNamed("submit_order")).toHaveLength(1); // within the 8-event backoff
    host.quote(INST, MEAN - 31, MEAN - 29);
    host.quote(INST, MEAN - 31, MEAN - 29);
    expect(host.position(INST)).toBe(P.qty_lots);
  });
});
