/**
 * The point of metering: a fault happens at the same place, with the same
 * fuel left, on the main thread and in a worker — even though V8 gives the
 * two different native stack sizes. Each scenario runs twice here and once in
 * a Worker, through the very same runner source (meterHarness.ts).
 */
import { describe, expect, it } from "vitest";
import { syntheticStrategyWat } from "../../../bench/kernels/syntheticStrategy.ts";
import { instrumentModule } from "../../../host/metering/instrument.ts";
import { MeterFault } from "../../../host/metering/meterAbi.ts";
import { wat } from "../../fixtures/wat.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { runInWorker, runOnMainThread, type CallOutcome, type ScenarioCall } from "./meterHarness.ts";

const counter = `(global $calls (export "calls") (mut i32) (i32.const 0))`;
const bump = `(global.set $calls (i32.add (global.get $calls) (i32.const 1)))`;

async function sameEverywhere(text: string, calls: readonly ScenarioCall[]): Promise<CallOutcome[]> {
  const bytes = instrumentModule(wat(text));
  const first = runOnMainThread(bytes, calls);
  const again = runOnMainThread(bytes, calls);
  const inWorker = await runInWorker(bytes, calls);
  expect(again).toEqual(first);
  expect(inWorker).toEqual(first);
  return first;
}

describe("metering is deterministic across threads", () => {
  it("a runaway loop runs out of fuel at the same iteration with the same fuel left", async () => {
    const [o] = await sameEverywhere(`(module ${counter}
      (func (export "spin") (local $x i64)
        (loop $l ${bump}
          (local.set $x (i64.mul (i64.add (local.get $x) (i64.const 7)) (i64.const 31)))
          (br $l))))`, [{ name: "spin", args: [], fuel: 12_345_679 }]);
    expect(o).toMatchObject({ outcome: "trap", fault: MeterFault.OutOfFuel });
    expect(o.calls!).toBeGreaterThan(100_000);
  });

  it("deep recursion hits the call-depth fault at the same call", async () => {
    const [o] = await sameEverywhere(`(module ${counter}
      (func $down (export "down") (param $n i32) (result i32) ${bump}
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1))))))))`,
    [{ name: "down", args: [1e9], fuel: 0x7fffffff }]);
    expect(o).toMatchObject({ outcome: "trap", fault: MeterFault.CallDepth });
  });

  it("mutual recursion hits the call-depth fault at the same call", async () => {
    const [shallow, deep] = await sameEverywhere(`(module ${counter}
      (func $even (export "even") (param $n i32) (result i32) ${bump}
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get $n) (i32.const 1))))))
      (func $odd (param $n i32) (result i32) (local $pad i64) (local $pad2 i64) ${bump}
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0)) (else (call $even (i32.sub (local.get $n) (i32.const 1)))))))`,
    [
      { name: "even", args: [1000], fuel: 0x7fffffff },
      { name: "even", args: [1e9], fuel: 0x7fffffff },
    ]);
    expect(shallow).toMatchObject({ outcome: "ok", result: 1, depth: 0 });
    expect(deep).toMatchObject({ outcome: "trap", fault: MeterFault.CallDepth });
  });

  it("recursion through call_indirect (entry wrappers) hits the call-depth fault at the same call", async () => {
    const [shallow, deep] = await sameEverywhere(`(module ${counter}
      (type $t (func (param i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $down)
      (func $down (export "down") (param $n i32) (result i32) ${bump}
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))))`,
    [
      { name: "down", args: [100], fuel: 0x7fffffff },
      { name: "down", args: [1e9], fuel: 0x7fffffff },
    ]);
    expect(shallow).toMatchObject({ outcome: "ok", result: 100 });
    expect(deep).toMatchObject({ outcome: "trap", fault: MeterFault.CallDepth });
  });

  it("recursion with big frames faults on the budget, never with V8's own stack overflow", async () => {
    const locals = Array.from({ length: 120 }, (_, i) => `(local $l${i} f64)`).join(" ");
    const sets = Array.from({ length: 120 }, (_, i) => `(local.set $l${i} (f64.convert_i32_u (i32.add (local.get $n) (i32.const ${i}))))`).join(" ");
    let sum = "(f64.const 0)";
    for (let i = 0; i < 120; i++) sum = `(f64.add ${sum} (local.get $l${i}))`;
    // a deep operand stack too: 60 values pending across the recursive call
    let pending = `(f64.convert_i32_s (call $big (i32.add (local.get $n) (i32.const 1))))`;
    for (let i = 0; i < 60; i++) pending = `(f64.add (f64.mul (local.get $l${i}) (f64.const ${i}.5)) ${pending})`;
    const outcomes = await sameEverywhere(`(module ${counter}
      (func $big (export "big") (param $n i32) (result i32) ${locals} ${bump} ${sets}
        (i32.trunc_sat_f64_s (f64.add ${sum} ${pending}))))`,
    [
      { name: "big", args: [0], fuel: 0x7fffffff },
      { name: "big", args: [0], fuel: 0x7fffffff },
    ]);
    for (const o of outcomes) expect(o).toMatchObject({ outcome: "trap", fault: MeterFault.CallDepth });
  });

  it("counted loops (paid at entry) with host calls and recursion inside: the same outcomes at every budget", async () => {
    const text = `(module
      (import "env" "host" (func $host (result i32)))
      ${counter}
      (func $r (param $n i32) (result i32) ${bump}
        (if (result i32) (i32.eqz (local.get $n)) (then (call $host))
          (else (i32.add (local.get $n) (call $r (i32.sub (local.get $n) (i32.const 1)))))))
      (func (export "run") (param $k i32) (result i32) (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (call $r (i32.and (local.get $i) (i32.const 7)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k))))
        (local.get $acc)))`;
    const calls: ScenarioCall[] = [];
    for (let fuel = 0; fuel < 4000; fuel += 37) calls.push({ name: "run", args: [20], fuel });
    const outcomes = await sameEverywhere(text, calls);
    expect(outcomes.some((o) => o.outcome === "trap" && o.fault === MeterFault.OutOfFuel)).toBe(true);
    expect(outcomes.some((o) => o.outcome === "ok")).toBe(true);
  });

  it("generated programs under tight budgets: the same outcomes, fuel and host calls, call by call", async () => {
    const seed = testSeed("metering thread determinism, generated programs");
    const rand = prng(seed);
    const text = syntheticStrategyWat(randInt(rand, 1, 0x7fffffff), 40, (i) => i % 2 === 0);
    const calls: ScenarioCall[] = [];
    for (let i = 0; i < 80; i++) {
      calls.push({ name: `f${2 * randInt(rand, 0, 19)}`, args: [randInt(rand, -1e5, 1e5), randInt(rand, -1e5, 1e5)], fuel: randInt(rand, 0, 3000) });
    }
    const outcomes = await sameEverywhere(text, calls);
    // the budgets are tight enough that both endings occur
    expect(outcomes.some((o) => o.outcome === "trap" && o.fault === MeterFault.OutOfFuel)).toBe(true);
    expect(outcomes.some((o) => o.outcome === "ok")).toBe(true);
  });
});
