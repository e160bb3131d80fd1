/**
 * Counted loops pay for all their iterations at entry (countedLoop.ts). The
 * trip count must be exact — too few and the loop would run unpaid — so it
 * is checked against a plain JS simulation of the loop, over seeded values
 * near every wrap-around edge; and every shape that could leave or re-enter
 * the loop other than through its own test must keep the per-iteration charge.
 */
import binaryen from "binaryen";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { B } from "../../../host/metering/binaryenApi.ts";
import { matchCountedLoop } from "../../../host/metering/countedLoop.ts";
import { childAccess } from "../../../host/metering/expressionChildren.ts";
import { instrumentModule } from "../../../host/metering/instrument.ts";
import { METER_GLOBAL, MeterFault } from "../../../host/metering/meterAbi.ts";
import { wat } from "../../fixtures/wat.ts";
import { testSeed } from "../../support/seed.ts";
import { fn, global, instantiate, type WasmExports } from "./meterHarness.ts";

type Op = "ne" | "lt_u" | "lt_s";
type BoundKind = "local" | "const" | "global";

const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;
/** The loop body below: global.set + add + global.get + const (4), br_if + cmp + tee + add + get + const + bound (7). */
const ITERATION_COST = 11;
/** The function's own code outside the loop: the final local.get. */
const ENTRY_COST = 1;

function countedModule(op: Op, boundKind: BoundKind, n: number): string {
  const bound = boundKind === "local" ? "(local.get $n)" : boundKind === "const" ? `(i32.const ${n | 0})` : "(global.get $bound)";
  return `(module
    (global $bound i32 (i32.const ${n | 0}))
    (global $iters (export "iters") (mut i32) (i32.const 0))
    (func (export "run") (param $i i32) (param $n i32) (result i32)
      (loop $l
        (global.set $iters (i32.add (global.get $iters) (i32.const 1)))
        (br_if $l (i32.${op} (local.tee $i (i32.add (local.get $i) (i32.const 1))) ${bound})))
      (local.get $i)))`;
}

/** Iterations of `do { i++ } while (i OP n)` in plain JS, or null past `cap`. */
function simulate(op: Op, i0: number, n: number, cap: number): number | null {
  let i = i0 | 0;
  let trips = 0;
  for (;;) {
    i = (i + 1) | 0;
    trips++;
    if (trips > cap) return null;
    const more = op === "ne" ? i !== (n | 0) : op === "lt_u" ? i >>> 0 < n >>> 0 : i < (n | 0);
    if (!more) return trips;
  }
}

function run(x: WasmExports, args: number[], fuel: number) {
  global(x, METER_GLOBAL.fuel).value = fuel;
  global(x, METER_GLOBAL.depth).value = 0;
  global(x, METER_GLOBAL.fault).value = 0;
  global(x, "iters").value = 0;
  let result: number | null = null;
  let trapped = false;
  try {
    result = fn(x, "run")(...args);
  } catch {
    trapped = true;
  }
  return { result, trapped, fuelLeft: global(x, METER_GLOBAL.fuel).value, fault: global(x, METER_GLOBAL.fault).value, iters: global(x, "iters").value };
}

/** The loop labelled `name` in a function body (binaryen keeps WAT labels). */
function findLoop(e: number, name: string): number {
  const id = binaryen.getExpressionId(e);
  if (id === binaryen.LoopId && B.Loop.getName(e) === name) return e;
  for (const kid of childAccess(id)?.get(e) ?? []) {
    const found = kid ? findLoop(kid, name) : 0;
    if (found) return found;
  }
  return 0;
}

const EDGES = [0, 1, -1, 2, I32_MIN, I32_MIN + 1, I32_MAX, I32_MAX - 1, 1000, -1000];

describe("counted loops", () => {
  it("charge exactly (entry + trips * iteration cost) at entry, trips as a JS simulation counts them, near every wrap-around", () => {
    const seed = testSeed("metering counted loops");
    const ops: Op[] = ["ne", "lt_u", "lt_s"];
    const kinds: BoundKind[] = ["local", "const", "global"];
    const values = fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: I32_MIN, max: I32_MAX }));
    const caseArb = fc.record({
      op: fc.constantFrom(...ops),
      kind: fc.constantFrom(...kinds),
      n: values,
      // start near the bound (both sides) or anywhere
      i0: fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: -300, max: 300 })),
      nearBound: fc.boolean(),
    });
    let checked = 0;
    fc.assert(
      fc.property(caseArb, ({ op, kind, n, i0, nearBound }) => {
        const start = nearBound ? (n + i0) | 0 : i0;
        const trips = simulate(op, start, n, 20_000);
        fc.pre(trips !== null);
        checked++;
        const x = instantiate(instrumentModule(wat(countedModule(op, kind, n))));
        const total = ENTRY_COST + trips! * ITERATION_COST;
        const context = `${op} ${kind}: i0=${start} n=${n} trips=${trips}`;
        expect(run(x, [start, n], 1e9), context).toMatchObject({ trapped: false, result: (start + trips!) | 0, iters: trips, fuelLeft: 1e9 - total });
        expect(run(x, [start, n], total), context).toMatchObject({ trapped: false, fuelLeft: 0 });
        // one fuel short: the whole loop is refused at entry, before any iteration runs
        expect(run(x, [start, n], total - 1), context).toMatchObject({
          trapped: true, fault: MeterFault.OutOfFuel, iters: 0, fuelLeft: total - 1 - ENTRY_COST,
        });
      }),
      { seed, numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(50);
  });

  it("reads a bound held in a declared local from that local, in every calling convention", () => {
    // The rewrite renumbers declared locals after the parameters it adds (fuel; depth when
    // recursive). The bound was once renumbered twice and read $zero: 300 M iterations for 10 fuel.
    const loop = `(local.set $n (local.get $m))
        (loop $l
          (global.set $iters (i32.add (global.get $iters) (i32.const 1)))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.get $i)`;
    const conventions: Record<string, string> = {
      "prepaid helper": `(func $run (param $i i32) (param $m i32) (result i32) (local $n i32) (local $zero i32) ${loop})
        (func (export "run") (param i32) (param i32) (result i32) (call $run (local.get 0) (local.get 1)))`,
      "registers": `(func (export "run") (param $i i32) (param $m i32) (result i32) (local $n i32) (local $zero i32) ${loop})`,
      "registers, depth carried": `(func $run (export "run") (param $i i32) (param $m i32) (result i32) (local $n i32) (local $zero i32)
        (if (i32.eq (local.get $m) (i32.const -7)) (then (drop (call $run (i32.const 0) (i32.const 0))))) ${loop})`,
    };
    for (const [convention, funcs] of Object.entries(conventions)) {
      const x = instantiate(instrumentModule(wat(`(module (global $iters (export "iters") (mut i32) (i32.const 0)) ${funcs})`)));
      const trips = 1000;
      const full = run(x, [0, trips], 1e9);
      expect(full, convention).toMatchObject({ trapped: false, result: trips, iters: trips });
      // the whole loop is paid at entry: one fuel short of it, not a single iteration runs
      const cost = 1e9 - full.fuelLeft;
      expect(run(x, [0, trips], cost - 1), convention).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, iters: 0 });
      expect(run(x, [0, 300_000_000], 1e6), convention).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, iters: 0 });
    }
  });

  it("a loop of 2^32 iterations can never be paid for: it faults at entry", () => {
    // ne with i0 = n, lt_u from the top of the range to it, lt_s from INT_MAX to it: each wraps all the way round
    for (const [op, i0, n] of [["ne", 5, 5], ["lt_u", -1, -1], ["lt_s", I32_MAX, I32_MAX]] as const) {
      const x = instantiate(instrumentModule(wat(countedModule(op, "local", n))));
      expect(run(x, [i0, n], I32_MAX), op).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, iters: 0, fuelLeft: I32_MAX - ENTRY_COST });
    }
  });

  /** A 50-iteration loop whose body is `inner` plus a counter; `wrapLoop` may put blocks around it. */
  function shaped(inner: string, options: { bound?: string; step?: number; counter?: string; wrapLoop?: (loop: string) => string; body?: (code: string) => string } = {}) {
    const bound = options.bound ?? "(local.get $n)";
    const step = options.step ?? 1;
    const counter = options.counter ?? "$i";
    const code = `(global.set $iters (i32.add (global.get $iters) (i32.const 1))) ${inner}
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get ${counter}) (i32.const ${step}))) ${bound}))`;
    const loop = `(loop $l ${options.body ? options.body(code) : code})`;
    return `(module
      (global $iters (export "iters") (mut i32) (i32.const 0))
      (global $mutableBound (mut i32) (i32.const 50))
      (func $helper (param $k i32) (result i32) (local $j i32)
        (loop $h (local.set $j (i32.add (local.get $j) (local.get $k)))
          (br_if $h (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 8))))
        (local.get $j))
      (func $run (export "run") (param $i i32) (param $n i32) (result i32) (local $j i32)
        (block $out ${options.wrapLoop ? options.wrapLoop(loop) : loop})
        (local.get $i)))`;
  }

  /** Same result as plain; whether the loop $l in `run` is a counted loop, and whether a short budget faults mid-loop. */
  function probe(text: string): { counted: boolean; faultsMidLoop: boolean } {
    const bytes = wat(text);
    const plain = instantiate(bytes);
    const x = instantiate(instrumentModule(bytes));
    const full = run(x, [0, 50], 1e9);
    expect(full.result).toBe(fn(plain, "run")(0, 50));
    const short = run(x, [0, 50], 1e9 - full.fuelLeft - 1);
    expect(short).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel });
    const module = binaryen.parseText(text);
    try {
      const body = binaryen.getFunctionInfo(module.getFunction("run")).body;
      const loop = findLoop(body, "l");
      const immutable = new Set<string>();
      for (let i = 0; i < module.getNumGlobals(); i++) {
        const g = binaryen.getGlobalInfo(module.getGlobalByIndex(i));
        if (!g.mutable) immutable.add(g.name);
      }
      return { counted: matchCountedLoop(loop, immutable) !== null, faultsMidLoop: short.iters > 0 };
    } finally {
      module.dispose();
    }
  }

  it("keeps the per-iteration charge for every shape that can leave or re-enter the loop another way", () => {
    const rejected: Record<string, string> = {
      "writes the counter": shaped("(local.set $i (local.get $i))"),
      "writes the bound": shaped("(local.set $n (local.get $n))"),
      "continues (br to the loop)": shaped("(br_if $l (i32.const 0))"),
      "breaks (br out)": shaped("(br_if $out (i32.const 0))"),
      "returns": shaped("(if (i32.const 0) (then (return (i32.const 7))))"),
      "br_table to an outer label": shaped("(block $in (br_table $in $out (i32.const 0)))"),
      "a mutable global as the bound": shaped("", { bound: "(global.get $mutableBound)" }),
      "steps by 2": shaped("", { step: 2 }),
      "increments another local": shaped("(local.set $j (local.get $i))", { counter: "$j" }),
      "a named body block": shaped("(br_if $b (i32.const 0))", { body: (code) => `(block $b ${code})` }),
    };
    for (const [why, text] of Object.entries(rejected)) expect(probe(text), why).toEqual({ counted: false, faultsMidLoop: true });
  });

  it("hoists loops with inner branches, calls and nested loops", () => {
    const accepted: Record<string, string> = {
      "the plain shape": shaped(""),
      "a branch to a block inside the body": shaped("(block $in (br_if $in (i32.eqz (local.get $i))) (nop))"),
      "br_table to labels inside": shaped("(block $a (block $b (br_table $a $b (i32.and (local.get $i) (i32.const 1)))))"),
      "a call to a helper with its own loop": shaped("(local.set $j (call $helper (local.get $i)))"),
      "a nested counted loop": shaped("(local.set $j (i32.const 0)) (loop $k (br_if $k (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 4))))"),
    };
    for (const [why, text] of Object.entries(accepted)) expect(probe(text).counted, why).toBe(true);
    // with nothing charged inside, a short budget now stops the loop before its first iteration
    expect(probe(shaped(""))).toEqual({ counted: true, faultsMidLoop: false });
  });
});
