/**
 * The metering budget (host/metering/meteringWork.ts). Admission bounds
 * sizes, not shapes, so it admits modules whose rewrite took seconds and a
 * gigabyte; the rewrite refuses, from the bytes and before binaryen reads
 * them, every module over MAX_METERING_WORK, in one line and with the same
 * verdict on any thread, and meters and runs everything under it as before.
 */
import binaryen from "binaryen";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { syntheticStrategyBytes } from "../../../bench/kernels/syntheticStrategy.ts";
import { verifyModule } from "../../../host/admission/verify.ts";
import { childAccess } from "../../../host/metering/expressionChildren.ts";
import { instrumentModule, MeteringError } from "../../../host/metering/instrument.ts";
import { METER_GLOBAL, MeterFault } from "../../../host/metering/meterAbi.ts";
import { MAX_METERING_WORK, meteringWork } from "../../../host/metering/meteringWork.ts";
import { assemble, body, FIXTURE_EVENT_BUFFER_ADDR, s32, Section, strategyBytes, strategySections, Type, vec } from "../../fixtures/wat.ts";
import { distPath } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { firstReply, fn, global, type WasmExports } from "./meterHarness.ts";
import { meteringVerdict, type MeteringVerdict } from "./meteringVerdict.ts";
import { largestCountWithin, workloadModule } from "./workloadModule.ts";

const REFUSAL = /^too much code to meter: \d+ work units, over the limit of \d+ \([^\n]*\)$/;

function verdictsInWorker(modules: Uint8Array[]): Promise<MeteringVerdict[]> {
  return firstReply<MeteringVerdict[]>(new Worker(distPath("test/meteringVerdict.worker.mjs"), { workerData: { modules } }));
}

/** `run(arg)` with `fuel`: the result, or the fault a sandbox would read back. */
function runWith(x: WasmExports, arg: number, fuel: number) {
  global(x, METER_GLOBAL.fuel).value = fuel;
  global(x, METER_GLOBAL.depth).value = 0;
  global(x, METER_GLOBAL.fault).value = 0;
  try {
    return { result: fn(x, "run")(arg), used: fuel - global(x, METER_GLOBAL.fuel).value };
  } catch {
    return { fault: global(x, METER_GLOBAL.fault).value };
  }
}

/** IR nodes binaryen makes of the module's function bodies. */
function irNodes(bytes: Uint8Array): number {
  const module = binaryen.readBinaryWithFeatures(bytes, binaryen.Features.All);
  try {
    let nodes = 0;
    const pending: number[] = [];
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const body = binaryen.getFunctionInfo(module.getFunctionByIndex(i)).body;
      if (body) pending.push(body);
    }
    while (pending.length > 0) {
      const e = pending.pop()!;
      nodes++;
      for (const kid of childAccess(binaryen.getExpressionId(e))?.get(e) ?? []) if (kid) pending.push(kid);
    }
    return nodes;
  } finally {
    module.dispose();
  }
}

describe("the metering budget", () => {
  // One seeded stream of snippets: the longest prefix within the budget, and one snippet more.
  let under: Uint8Array;
  let over: Uint8Array;
  beforeAll(() => {
    const seed = testSeed("metering budget workload");
    const count = largestCountWithin(seed, MAX_METERING_WORK, meteringWork);
    under = workloadModule(seed, count);
    over = workloadModule(seed, count + 1);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("refuses an admitted module one snippet over the budget, in one line, before binaryen reads it", () => {
    expect(verifyModule(over).admitted).toBe(true);
    expect(meteringWork(over)).toBeGreaterThan(MAX_METERING_WORK);
    const read = vi.spyOn(binaryen, "readBinaryWithFeatures");
    expect(() => instrumentModule(over)).toThrow(MeteringError);
    expect(() => instrumentModule(over)).toThrow(REFUSAL);
    // Refused from the bytes: binaryen never read it (reading and rewriting it takes over a second).
    expect(read).not.toHaveBeenCalled();
  });

  it("meters the module just under it, which computes what the plain module does and runs out of fuel where it should", () => {
    expect(verifyModule(under).admitted).toBe(true);
    expect(meteringWork(under)).toBeLessThanOrEqual(MAX_METERING_WORK);
    expect(meteringWork(under)).toBeGreaterThan(MAX_METERING_WORK * 0.999);
    const plain = new WebAssembly.Module(under as Uint8Array<ArrayBuffer>);
    const metered = new WebAssembly.Module(instrumentModule(under) as Uint8Array<ArrayBuffer>);
    // a fresh instance for every call: the snippets read back what they wrote to memory
    const fresh = (m: WebAssembly.Module) => new WebAssembly.Instance(m).exports;
    for (const arg of [0, 1, 7, 12_345, -1]) {
      const full = runWith(fresh(metered), arg, 0x7fffffff);
      expect(full.result, `run(${arg})`).toBe(fn(fresh(plain), "run")(arg));
      expect(full.used).toBeGreaterThan(0);
      expect(runWith(fresh(metered), arg, 0x7fffffff)).toEqual(full);
      expect(runWith(fresh(metered), arg, full.used! - 1)).toEqual({ fault: MeterFault.OutOfFuel });
    }
  });

  it("gives the same verdicts in a worker (a larger native stack) as on the main thread", async () => {
    const there = verdictsInWorker([under, over]); // runs while this thread computes its own
    const here = [meteringVerdict(under), meteringVerdict(over)];
    expect(here[0]).toHaveProperty("metered");
    expect(here[1]).toMatchObject({ refused: expect.stringMatching(/^MeteringError: too much code to meter: /) });
    expect(await there).toEqual(here);
  });

  it("refuses 500 counted loops nested around 10,000 instructions (a 40 KB module: the counted-loop matcher walks the inner code 500 times)", () => {
    const depth = 500;
    const code: number[] = [];
    for (let d = 0; d < depth; d++) code.push(0x03, 0x40); // loop
    for (let i = 0; i < 5000; i++) code.push(0x41, 0x00, 0x1a); // drop (i32.const 0)
    // each loop ends as a counted loop: br_if (i32.lt_u (local.tee $0 (i32.add (local.get $0) 1)) (local.get $1))
    for (let d = 0; d < depth; d++) code.push(0x20, 0, 0x41, 1, 0x6a, 0x22, 0, 0x20, 1, 0x49, 0x0d, 0, 0x0b);
    const sections = strategySections();
    sections[Section.code] = vec([
      body([], [0x41, 1]), body([], [0x41, ...s32(FIXTURE_EVENT_BUFFER_ADDR)]),
      body([[2, Type.i32]], code), body([], []), body([], []), body([], []), body([], []),
    ]);
    const bytes = assemble(sections);
    expect(verifyModule(bytes).admitted).toBe(true);
    expect(bytes.length).toBeLessThan(50_000);
    expect(() => instrumentModule(bytes)).toThrow(REFUSAL);
  });
});

describe("meteringWork", () => {
  it("puts the example strategies and the 100 KB benchmark strategy far under the budget", () => {
    const dir = distPath("strategies");
    const examples = readdirSync(dir).filter((f) => f.endsWith(".wasm"));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const f of examples) expect(meteringWork(readFileSync(join(dir, f))), f).toBeLessThan(MAX_METERING_WORK / 100);
    expect(meteringWork(syntheticStrategyBytes())).toBeLessThan(MAX_METERING_WORK / 8);
  });

  it("never counts fewer units than binaryen makes IR nodes (seeded modules: no instruction is skipped)", () => {
    const seed = testSeed("metering work vs IR nodes");
    const rand = prng(seed);
    for (let i = 0; i < 12; i++) {
      const bytes = workloadModule(randInt(rand, 1, 0x7fffffff), randInt(rand, 0, 2000));
      expect(meteringWork(bytes)).toBeGreaterThanOrEqual(irNodes(bytes));
    }
    const synthetic = syntheticStrategyBytes();
    expect(meteringWork(synthetic)).toBeGreaterThanOrEqual(irNodes(synthetic));
  });

  it("counts code once more for every loop around it (nested loops walk their inner code again)", () => {
    const inner = Array.from({ length: 100 }, () => [0x41, 0x00, 0x1a]).flat(); // 200 instructions: drop (i32.const 0)
    const work = (depth: number, inside: boolean) => {
      const code: number[] = [];
      for (let d = 0; d < depth; d++) code.push(0x03, 0x40);
      if (inside) code.push(...inner);
      for (let d = 0; d < depth; d++) code.push(0x0b);
      if (!inside) code.push(...inner);
      return meteringWork(strategyBytes({ bodies: { rf_start: code } }));
    };
    for (const depth of [1, 2, 5]) expect(work(depth, true) - work(depth, false), `depth ${depth}`).toBe(200 * depth);
  });
});

describe("locals the engine cannot compile", () => {
  it("stack-style code that binaryen reads into more than 50 000 scratch locals is refused in words, not as a rewrite bug", () => {
    // i32.const 0; nop; drop: the pending value beneath the nop becomes a local.
    const code: number[] = [];
    for (let i = 0; i < 50_001; i++) code.push(0x41, 0x00, 0x01, 0x1a);
    const bytes = strategyBytes({ bodies: { rf_on_market: code } });
    expect(verifyModule(bytes).admitted).toBe(true);
    expect(meteringWork(bytes)).toBeLessThan(MAX_METERING_WORK);
    expect(() => instrumentModule(bytes)).toThrow(/^function \d+ needs 5\d{4} locals once metered, over the engine's limit of 50000 \(/);
    // Half as many meter, and stay within the limit.
    const half = strategyBytes({ bodies: { rf_on_market: code.slice(0, 4 * 25_000) } });
    expect(WebAssembly.validate(instrumentModule(half) as Uint8Array<ArrayBuffer>)).toBe(true);
  });
});
