/**
 * Metering must not change what a module computes: the same calls on the
 * plain and the metered module give the same results and leave the same
 * memory, over seeded random inputs (the seed is printed; RINGFENCE_SEED
 * replays it). Fuel is also a pure function of the input.
 */
import { describe, expect, it } from "vitest";
import { FUEL_KERNELS } from "../../../bench/kernels/index.ts";
import { syntheticStrategyWat } from "../../../bench/kernels/syntheticStrategy.ts";
import { HOST_CALLS } from "../../../host/abi/callTable.ts";
import { instrumentModule } from "../../../host/metering/instrument.ts";
import { METER_GLOBAL } from "../../../host/metering/meterAbi.ts";
import { wat } from "../../fixtures/wat.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { fn, global, instantiate, type WasmExports, type WasmMemory } from "./meterHarness.ts";

const FUEL = 0x7fffffff;

function meteredCall(x: WasmExports, name: string, args: number[]): { result: number; used: number } {
  global(x, METER_GLOBAL.fuel).value = FUEL;
  global(x, METER_GLOBAL.depth).value = 0;
  const result = fn(x, name)(...args);
  expect(global(x, METER_GLOBAL.depth).value).toBe(0);
  return { result, used: FUEL - global(x, METER_GLOBAL.fuel).value };
}

/** Something of every shape the rewrite touches, computing over memory. */
const MIXED = `(module
  (memory (export "memory") 1)
  (table 3 funcref)
  (elem (i32.const 0) $double $square $negate)
  (type $unary (func (param i32) (result i32)))
  (func $double (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $negate (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func $divmod (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))

  ;; insertion sort of n i32 at address 0
  (func (export "sort") (param $n i32) (local $i i32) (local $j i32) (local $v i32)
    (local.set $i (i32.const 1))
    (block $done (loop $outer
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $v (i32.load (i32.shl (local.get $i) (i32.const 2))))
      (local.set $j (local.get $i))
      (block $placed (loop $inner
        (br_if $placed (i32.eqz (local.get $j)))
        (br_if $placed (i32.le_s (i32.load (i32.sub (i32.shl (local.get $j) (i32.const 2)) (i32.const 4))) (local.get $v)))
        (i32.store (i32.shl (local.get $j) (i32.const 2)) (i32.load (i32.sub (i32.shl (local.get $j) (i32.const 2)) (i32.const 4))))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $inner)))
      (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $v))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer))))

  ;; a bit of everything: br_table, call_indirect, multi-value, select, early return, bulk memory, i64, f64
  (func (export "mix") (param $a i32) (param $b i32) (result i32) (local $w i64) (local $x f64) (local $q i32) (local $r i32)
    (if (i32.eq (local.get $a) (i32.const 7)) (then (return (i32.const -7))))
    (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 (i32.rem_u (local.get $b) (i32.const 3))))
      (local.set $a (call_indirect (type $unary) (local.get $a) (i32.const 0))) (br $c2))
      (local.set $a (call_indirect (type $unary) (local.get $a) (i32.const 1))))
    (call $divmod (i32.or (local.get $a) (i32.const 1)) (i32.or (local.get $b) (i32.const 1)))
    (local.set $r) (local.set $q)
    (local.set $w (i64.mul (i64.extend_i32_s (local.get $q)) (i64.const 0x5851f42d4c957f2d)))
    (local.set $x (f64.div (f64.convert_i32_s (local.get $r)) (f64.const 3)))
    (f64.store (i32.const 4096) (local.get $x))
    (memory.fill (i32.const 8192) (local.get $a) (i32.and (local.get $b) (i32.const 1023)))
    (memory.copy (i32.const 12288) (i32.const 8192) (i32.and (local.get $a) (i32.const 511)))
    (select
      (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 17))) (i32.load (i32.const 4096)))
      (i32.trunc_sat_f64_s (f64.mul (local.get $x) (f64.const 1000)))
      (i32.gt_s (local.get $a) (local.get $b))))
)`;

describe("metered modules compute what the plain ones do", () => {
  it("bench kernels: same results as plain and as the JS reference, on seeded sizes", () => {
    const seed = testSeed("metering kernels semantics");
    const rand = prng(seed);
    for (const kernel of FUEL_KERNELS) {
      const plainBytes = wat(kernel.wat);
      const plain = instantiate(plainBytes);
      const metered = instantiate(instrumentModule(plainBytes));
      if (plain.setup) {
        fn(plain, "setup")();
        global(metered, METER_GLOBAL.fuel).value = FUEL;
        fn(metered, "setup")();
      }
      for (let i = 0; i < 5; i++) {
        const n = randInt(rand, 0, Math.min(kernel.n, 3000));
        const expected = kernel.reference(n);
        expect(fn(plain, "run")(n), `${kernel.name}(${n}) plain`).toBe(expected);
        const first = meteredCall(metered, "run", [n]);
        expect(first.result, `${kernel.name}(${n}) metered`).toBe(expected);
        expect(meteredCall(metered, "run", [n]).used, `${kernel.name}(${n}) fuel`).toBe(first.used);
      }
    }
  });

  it("sorting and mixed code: same results and same memory as plain, on seeded inputs", () => {
    const seed = testSeed("metering mixed semantics");
    const rand = prng(seed);
    const plainBytes = wat(MIXED);
    const plain = instantiate(plainBytes);
    const metered = instantiate(instrumentModule(plainBytes));
    const memOf = (x: WasmExports) => new Int32Array((x.memory as WasmMemory).buffer);
    for (let round = 0; round < 50; round++) {
      const n = randInt(rand, 0, 200);
      for (let i = 0; i < n; i++) {
        const v = randInt(rand, -1000, 1000);
        memOf(plain)[i] = v;
        memOf(metered)[i] = v;
      }
      fn(plain, "sort")(n);
      meteredCall(metered, "sort", [n]);
      expect(Array.from(memOf(metered).subarray(0, n))).toEqual(Array.from(memOf(plain).subarray(0, n)));

      const a = randInt(rand, -5000, 5000);
      const b = randInt(rand, 0, 5000);
      expect(meteredCall(metered, "mix", [a, b]).result, `mix(${a}, ${b})`).toBe(fn(plain, "mix")(a, b));
      expect(Buffer.from((metered.memory as WasmMemory).buffer).equals(Buffer.from((plain.memory as WasmMemory).buffer))).toBe(true);
    }
    expect(meteredCall(metered, "mix", [7, 1]).result).toBe(-7);
  });
});

describe("metered random programs compute what the plain ones do", () => {
  it("generated strategies (loops, br_table, bulk memory, host calls, call chains): same results, memory and host calls", () => {
    const seed = testSeed("metering generated programs");
    const rand = prng(seed);
    for (let program = 0; program < 4; program++) {
      const programSeed = randInt(rand, 1, 0x7fffffff);
      // Odd functions stay unexported, so the leaves among them are prepaid by their callers.
      const bytes = wat(syntheticStrategyWat(programSeed, 40, (i) => i % 2 === 0));
      const hostLog: string[][] = [[], []];
      const imports = (log: string[]) => ({
        ringfence: Object.fromEntries(HOST_CALLS.map((c) => [c.name, (...args: number[]) => {
          log.push(`${c.name}(${args.join(",")})`);
          return log.length;
        }])),
      });
      const plain = instantiate(bytes, imports(hostLog[0]));
      const metered = instantiate(instrumentModule(bytes), imports(hostLog[1]));
      for (let call = 0; call < 60; call++) {
        const f = `f${2 * randInt(rand, 0, 19)}`;
        const a = randInt(rand, -100_000, 100_000);
        const b = randInt(rand, -100_000, 100_000);
        const context = `program seed ${programSeed}, ${f}(${a}, ${b})`;
        expect(meteredCall(metered, f, [a, b]).result, context).toBe(fn(plain, f)(a, b));
      }
      expect(hostLog[1]).toEqual(hostLog[0]);
      expect(Buffer.from((metered.memory as WasmMemory).buffer).equals(Buffer.from((plain.memory as WasmMemory).buffer))).toBe(true);
    }
  });
});
