/**
 * No allocation on the tick path. Each example runs 10k seeded events twice:
 * built for release (incremental GC) and for the "audit" target, whose stub
 * runtime never frees — there any allocation per event would grow linear
 * memory, so a stable size proves the event path allocates nothing. A
 * control strategy that does allocate per event shows the check can fail.
 */
import { describe, expect, it } from "vitest";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import type { AscTarget } from "../../../host/compiler/ascOptions.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { FakeHost } from "./fakeHost.ts";
import { compileExample, EXAMPLES, params } from "./examples.ts";

const INST = 1;
const EVENTS = 10_000;
const WARMUP = 200;

/** Seeded market: a random walk with occasional jumps, fills of our resting orders, trade prints. */
function drive(host: FakeHost, rand: () => number, events: number, onEvent?: (i: number) => void): void {
  let mid = 20_000;
  for (let i = 0; i < events; i++) {
    const r = rand();
    if (r < 0.02) mid += randInt(rand, -40, 40);
    else mid += randInt(rand, -2, 2);
    if (r > 0.97) host.trade(INST, mid, randInt(rand, 1, 5), randInt(rand, 0, 2));
    else host.quote(INST, mid - 1, mid + 1, 10, 1_000_000);
    if (rand() < 0.05) {
      const working = host.workingOrders();
      if (working.length > 0) host.fillOrder(working[randInt(rand, 0, working.length - 1)].id);
    }
    onEvent?.(i);
  }
}

async function run(wasm: Uint8Array, seed: number, p: Record<string, number>): Promise<{ warm: number; end: number; host: FakeHost }> {
  const host = await FakeHost.instantiate(wasm, params(p));
  host.recordCalls = false;
  host.start();
  const rand = prng(seed);
  drive(host, rand, WARMUP);
  const warm = host.memoryBytes;
  drive(host, rand, EVENTS);
  host.stop();
  return { warm, end: host.memoryBytes, host };
}

const PARAMS: Record<string, Record<string, number>> = {
  "market-maker": { instrument: INST, max_inventory_lots: 5 },
  momentum: { instrument: INST, fast_period: 4, slow_period: 16 },
  "mean-reversion": { instrument: INST, window: 256, hold_us: 50_000 },
};

describe("example strategies allocate nothing per event", () => {
  for (const name of EXAMPLES) {
    for (const target of ["release", "audit"] as AscTarget[]) {
      it(`${name} (${target}): memory size stable over ${EVENTS} events`, async () => {
        const seed = testSeed(`${name} ${target} allocation`);
        const { warm, end, host } = await run(await compileExample(name, target), seed, PARAMS[name]);
        expect(end).toBe(warm);
        // The run did real work: orders went out and filled.
        expect(host.fills.length).toBeGreaterThan(10);
      });
    }
  }

  it("control: a strategy that builds a string per event grows memory under the audit runtime", async () => {
    const source = [
      'import { marketEvent, log } from "ringfence";',
      'export * from "ringfence/exports";',
      "let n: i32 = 0;",
      "export function rf_on_market(): void {",
      '  const s = "bid " + marketEvent().bidTicks.toString();',
      "  if (s.length == 0) log(s);",
      "  n++;",
      "}",
    ].join("\n");
    const { wasm } = await compileStrategySource(source, "allocates", { target: "audit" });
    const seed = testSeed("allocating control");
    const { warm, end } = await run(wasm, seed, {});
    expect(end).toBeGreaterThan(warm);
  });
});
