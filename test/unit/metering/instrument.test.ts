import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { bulkFuel, IF_ARM_CHARGE_MIN_COST, MEMORY_GROW_COST } from "../../../host/metering/costModel.ts";
import { MAX_EXPRESSION_DEPTH } from "../../../host/metering/functionScan.ts";
import { instrumentModule, MeteringError } from "../../../host/metering/instrument.ts";
import { DEFAULT_METER_OPTIONS, METER_ENTRY_EXPORTS, METER_EXPORT, METER_GLOBAL, METER_INIT_EXPORT, MeterFault } from "../../../host/metering/meterAbi.ts";
import { strategyBytes, wat } from "../../fixtures/wat.ts";
import { fn, global, instantiate, runOnMainThread, type WasmExports, type WasmMemory } from "./meterHarness.ts";

const metered = (text: string, options = {}) => instrumentModule(wat(text), options);

/** Calls `name(...args)` with `fuel`; returns what a sandbox would read back. */
function call(exports: WasmExports, name: string, args: number[], fuel: number) {
  global(exports, METER_GLOBAL.fuel).value = fuel;
  global(exports, METER_GLOBAL.depth).value = 0;
  global(exports, METER_GLOBAL.fault).value = 0;
  let result: number | undefined;
  let trapped = false;
  try {
    result = fn(exports, name)(...args);
  } catch {
    trapped = true;
  }
  return {
    result, trapped,
    used: fuel - global(exports, METER_GLOBAL.fuel).value,
    fuelLeft: global(exports, METER_GLOBAL.fuel).value,
    fault: global(exports, METER_GLOBAL.fault).value,
    depth: global(exports, METER_GLOBAL.depth).value,
  };
}

const BIG = 1_000_000;
const HOST_FUEL = 100;

/**
 * An `env.peek` import that records __rf_fuel when called and charges
 * `hostFuel`, as the sandbox's call table does; bind() gives it the
 * instance's exports once instantiated.
 */
function peekingHost(hostFuel: number) {
  let exportsRef: WasmExports | null = null;
  const seen: number[] = [];
  const imports = {
    env: {
      peek: () => {
        const fuel = global(exportsRef!, METER_GLOBAL.fuel);
        seen.push(fuel.value);
        fuel.value -= hostFuel;
      },
    },
  };
  return { seen, imports, bind: (x: WasmExports) => (exportsRef = x) };
}

describe("instrumentModule: fuel", () => {
  it("charges the static cost of straight-line code at function entry", () => {
    // i32.add + 2 consts = 3
    const x = instantiate(metered(`(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))`));
    expect(call(x, "f", [], BIG)).toMatchObject({ result: 3, used: 3, trapped: false, depth: 0 });
  });

  it("charges memory.grow like a host call, even when it grows nothing", () => {
    // memory.grow + its const + drop
    const x = instantiate(metered(`(module (memory 1 2) (func (export "f") (drop (memory.grow (i32.const 0)))))`));
    expect(call(x, "f", [], BIG)).toMatchObject({ used: MEMORY_GROW_COST + 2, trapped: false });
  });

  it("charges each loop iteration the loop body's cost, once", () => {
    // body: local.set+add+get+const (4) + br_if+lt+get+get (4) = 8 per iteration; entry: local.get = 1
    const x = instantiate(metered(`(module (func (export "count") (param $n i32) (result i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i)))`));
    for (const n of [1, 2, 10, 1000]) expect(call(x, "count", [n], BIG)).toMatchObject({ result: n, used: 1 + 8 * n });
  });

  it("a runaway loop traps out of fuel with the exact fuel left, identically on every run", () => {
    const x = instantiate(metered(`(module
      (global $iterations (export "iterations") (mut i32) (i32.const 0))
      (func (export "spin")
        (loop $l
          (global.set $iterations (i32.add (global.get $iterations) (i32.const 1)))
          (br $l))))`));
    // per iteration: global.set + add + global.get + const + br = 5; entry: min charge 1
    const budget = 1003;
    const outcomes = [1, 2, 3].map(() => {
      global(x, "iterations").value = 0;
      return { ...call(x, "spin", [], budget), iterations: global(x, "iterations").value };
    });
    for (const o of outcomes) {
      expect(o).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, fuelLeft: (budget - 1) % 5 });
      expect(o.iterations).toBe(Math.floor((budget - 1) / 5));
    }
  });

  it("runs out of fuel at function entry when the budget is below the entry cost", () => {
    const x = instantiate(metered(`(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))`));
    expect(call(x, "f", [], 2)).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, fuelLeft: 2 });
    expect(call(x, "f", [], 3)).toMatchObject({ trapped: false, fuelLeft: 0 });
  });

  it("prepays small if arms and charges a big arm only when it runs", () => {
    let big = "(i32.const 1)";
    for (let i = 0; i < IF_ARM_CHARGE_MIN_COST; i++) big = `(i32.add ${big} (i32.const ${i}))`;
    const bigCost = 1 + 2 * IF_ARM_CHARGE_MIN_COST;
    const x = instantiate(metered(`(module (func (export "branch") (param $c i32) (result i32)
      (if (result i32) (local.get $c) (then ${big}) (else (i32.const 7)))))`));
    // entry region: if + local.get + the small else arm's const = 3
    expect(call(x, "branch", [0], BIG)).toMatchObject({ result: 7, used: 3 });
    expect(call(x, "branch", [1], BIG).used).toBe(3 + bigCost);
  });

  it("charges a call 1 plus the callee's entry cost (here prepaid by the caller: a small non-exported helper)", () => {
    const x = instantiate(metered(`(module
      (func $five (result i32) (i32.const 5))
      (func (export "twice") (result i32) (i32.add (call $five) (call $five))))`));
    expect(call(x, "twice", [], BIG)).toMatchObject({ result: 10, used: 3 + 1 + 1 });
  });

  it("charges memory.fill and memory.copy by size: ceil(bytes / 64) on top of the static cost", () => {
    const x = instantiate(metered(`(module (memory (export "memory") 2)
      (func (export "fill") (param $n i32) (memory.fill (i32.const 0) (i32.const 7) (local.get $n)))
      (func (export "copy") (param $n i32) (memory.copy (i32.const 65536) (i32.const 0) (local.get $n)))
      (func (export "fillConst") (memory.fill (i32.const 0) (i32.const 7) (i32.const 6400))))`));
    for (const n of [0, 1, 63, 64, 65, 6400, 65536]) {
      expect(call(x, "fill", [n], BIG).used).toBe(4 + bulkFuel(n));
      expect(call(x, "copy", [n], BIG).used).toBe(4 + bulkFuel(n));
    }
    expect(bulkFuel(65)).toBe(2);
    expect(call(x, "fillConst", [], BIG).used).toBe(4 + 100);
  });

  it("traps before a bulk operation it cannot pay for, leaving memory untouched", () => {
    const x = instantiate(metered(`(module (memory (export "memory") 2)
      (func (export "fill") (param $n i32) (memory.fill (i32.const 0) (i32.const 7) (local.get $n))))`));
    const o = call(x, "fill", [65536], 4 + bulkFuel(65536) - 1);
    expect(o).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, fuelLeft: bulkFuel(65536) - 1 });
    const bytes = new Uint8Array((x.memory as WasmMemory).buffer);
    expect(bytes[0]).toBe(0);
    expect(bytes[65535]).toBe(0);
  });

  it("keeps __rf_fuel exact at every host call and honours what the host charges (fuel cached in a local)", () => {
    const { seen, imports, bind } = peekingHost(HOST_FUEL);
    const exportsRef = bind(instantiate(metered(`(module
      (import "env" "peek" (func $peek (param i32)))
      (func (export "loopCalls") (param $n i32) (local $i i32)
        (loop $l
          (call $peek (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`), imports));
    // loop body: call + get (2) + 4 + 4 = 10; entry: min charge 1
    const n = 5;
    const o = call(exportsRef, "loopCalls", [n], BIG);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((k) => BIG - 1 - 10 * (k + 1) - HOST_FUEL * k));
    expect(o.used).toBe(1 + 10 * n + HOST_FUEL * n);
  });

  it("keeps __rf_fuel exact at host calls made deep in a chain of calls and in recursion (fuel passed in registers)", () => {
    const { seen, imports, bind } = peekingHost(HOST_FUEL);
    const exportsRef = bind(instantiate(metered(`(module
      (import "env" "peek" (func $peek (param i32)))
      (type $t (func (param i32)))
      (table 1 funcref) (elem (i32.const 0) $viaTable)
      (func $leaf (param $x i32) (call $peek (local.get $x)))
      (func $mid (param $x i32)
        (call $leaf (local.get $x))
        (call $peek (i32.add (local.get $x) (i32.const 100))))
      (func $rec (param $n i32)
        (call $peek (local.get $n))
        (if (local.get $n) (then (call $rec (i32.sub (local.get $n) (i32.const 1))))))
      (func $viaTable (param $x i32) (call $peek (local.get $x)))
      (func (export "top") (param $n i32)
        (call $mid (local.get $n))
        (call $rec (local.get $n))
        (call_indirect (type $t) (local.get $n) (i32.const 0))))`), imports));
    // entry costs: top 7 (3 calls + 3 operands + const), $mid 8 (its calls, operands and the prepaid $leaf's 2),
    // $rec 8 (the small arm is prepaid), $viaTable 2 (a table member charges its own entry)
    const n = 3;
    const o = call(exportsRef, "top", [n], BIG);
    const expected = [BIG - 7 - 8, BIG - 7 - 8 - HOST_FUEL];
    let fuel = BIG - 7 - 8 - 2 * HOST_FUEL;
    for (let k = 0; k <= n; k++) {
      fuel -= 8;
      expected.push(fuel);
      fuel -= HOST_FUEL;
    }
    expected.push(fuel - 2);
    expect(seen).toEqual(expected);
    expect(o).toMatchObject({ trapped: false, used: BIG - (fuel - 2 - HOST_FUEL) });
  });

  it("an out-of-fuel fault deep in a call chain leaves the exact fuel, whatever the budget", () => {
    const x = instantiate(metered(`(module
      (func $sq (param $x i32) (result i32) (i32.mul (local.get $x) (local.get $x)))
      (func $step (param $x i32) (result i32) (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (call $sq (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $x))))
        (local.get $acc))
      (func $down (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (call $step (i32.const 5)))
          (else (i32.add (call $step (local.get $n)) (call $down (i32.sub (local.get $n) (i32.const 1)))))))
      (func (export "top") (param $n i32) (result i32) (call $down (local.get $n))))`));
    const total = call(x, "top", [6], BIG).used;
    // Every budget below the total faults out of fuel having used part of it; the same budget twice gives the same fault.
    for (let budget = 0; budget < total; budget++) {
      const a = call(x, "top", [6], budget);
      const b = call(x, "top", [6], budget);
      expect(a).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel });
      expect(a.fuelLeft).toBeGreaterThanOrEqual(0);
      expect(a.fuelLeft).toBeLessThan(16);
      expect(b).toEqual(a);
    }
    expect(call(x, "top", [6], total)).toMatchObject({ trapped: false, fuelLeft: 0 });
  });

  it("a host call that drains the fuel makes the next charge point fault", () => {
    let exportsRef: WasmExports = {} as WasmExports;
    const imports = { env: { drain: () => { global(exportsRef, METER_GLOBAL.fuel).value = 0; } } };
    exportsRef = instantiate(metered(`(module
      (import "env" "drain" (func $drain))
      (global $after (export "after") (mut i32) (i32.const 0))
      (func (export "f") (local $i i32)
        (loop $l
          (call $drain)
          (global.set $after (i32.add (global.get $after) (i32.const 1)))
          (br $l))))`), imports);
    expect(call(exportsRef, "f", [], BIG)).toMatchObject({ trapped: true, fault: MeterFault.OutOfFuel, fuelLeft: 0 });
    expect(global(exportsRef, "after").value).toBe(1);
  });
});

describe("instrumentModule: call depth", () => {
  const recursion = `(module
    (global $calls (export "calls") (mut i32) (i32.const 0))
    (func $down (export "down") (param $n i32) (result i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1))))))))`;

  it("deep recursion faults with call_depth at the same call, every run; shallow recursion returns depth to 0", () => {
    const bytes = metered(recursion);
    const outcomes = runOnMainThread(bytes, [
      { name: "down", args: [50], fuel: BIG },
      { name: "down", args: [1e9], fuel: 1e8 },
      { name: "down", args: [1e9], fuel: 1e8 },
    ]);
    expect(outcomes[0]).toMatchObject({ outcome: "ok", result: 50, depth: 0, fault: 0 });
    expect(outcomes[1]).toMatchObject({ outcome: "trap", fault: MeterFault.CallDepth });
    // the module-level `calls` counter keeps counting across runs: compare the increments
    const first = outcomes[1].calls! - outcomes[0].calls!;
    const second = outcomes[2].calls! - outcomes[1].calls!;
    expect(second).toBe(first);
    expect(outcomes[2].fuelLeft).toBe(outcomes[1].fuelLeft);
    expect(first).toBeGreaterThan(100);
  });

  it("the depth fault point scales with stackBudget", () => {
    const deepest = (stackBudget: number) => {
      const x = instantiate(metered(recursion, { stackBudget }));
      expect(call(x, "down", [1e9], 1e8)).toMatchObject({ trapped: true, fault: MeterFault.CallDepth });
      return global(x, "calls").value;
    };
    const small = deepest(1000);
    const large = deepest(4000);
    // floor(4000 / u) is within [4 * floor(1000 / u), 4 * floor(1000 / u) + 3]
    expect(large).toBeGreaterThanOrEqual(4 * small);
    expect(large).toBeLessThanOrEqual(4 * small + 3);
  });

  it("every return path gives back its stack units (no leak across many calls)", () => {
    const x = instantiate(metered(`(module
      (func $early (param $n i32) (result i32) (local $i i32)
        (if (i32.eqz (local.get $n)) (then (return (i32.const 100))))
        (loop $l
          (if (i32.eq (local.get $i) (i32.const 3)) (then (return (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i))
      (func (export "many") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (call $early (i32.rem_u (local.get $i) (i32.const 6)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $acc)))`, { stackBudget: 64 }));
    // rem 0 -> 100, 1 -> 1, 2 -> 2, 3..5 -> 3 (early return in the loop)
    const o = call(x, "many", [6000], 1e8);
    expect(o).toMatchObject({ trapped: false, depth: 0, result: 1000 * (100 + 1 + 2 + 3 + 3 + 3) });
  });

  it("a frame with many locals and a deep operand stack costs more units, and never overflows V8's stack", () => {
    const locals = Array.from({ length: 200 }, (_, i) => `(local $l${i} i64)`).join(" ");
    const sets = Array.from({ length: 200 }, (_, i) => `(local.set $l${i} (i64.extend_i32_u (local.get $n)))`).join(" ");
    let sum = "(i64.const 0)";
    for (let i = 0; i < 200; i++) sum = `(i64.add ${sum} (local.get $l${i}))`;
    const bytes = metered(`(module
      (global $calls (export "calls") (mut i32) (i32.const 0))
      (func $big (export "big") (param $n i32) (result i64) ${locals}
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        ${sets}
        (i64.add ${sum} (call $big (i32.add (local.get $n) (i32.const 1))))))`);
    const [o] = runOnMainThread(bytes, [{ name: "big", args: [0], fuel: 0x7fffffff }]);
    expect(o).toMatchObject({ outcome: "trap", fault: MeterFault.CallDepth });
    // 200 locals alone are 25 units, so far fewer frames than the budget in units
    expect(o.calls!).toBeLessThan(DEFAULT_METER_OPTIONS.stackBudget / 25);
  });
});

describe("instrumentModule: module shape", () => {
  it("makes __rf_fuel global 0, exports the four meter globals, and keeps the module's globals", () => {
    const out = metered(`(module
      (global $a (export "a") (mut i32) (i32.const 5))
      (global $b (export "b") f64 (f64.const 2.5))
      (func (export "f") (result i32) (global.get $a)))`);
    const m = binaryen.readBinary(out);
    try {
      const globalName = (i: number) => binaryen.getGlobalInfo(m.getGlobalByIndex(i)).name;
      const exportTarget = (name: string) => binaryen.getExportInfo(m.getExport(name)).value;
      expect(m.getNumGlobals()).toBe(6);
      expect(exportTarget(METER_GLOBAL.fuel)).toBe(globalName(0));
      expect([1, 2].map(globalName)).toEqual([exportTarget("a"), exportTarget("b")]);
    } finally {
      m.dispose();
    }
    const x = instantiate(out);
    expect(global(x, "a").value).toBe(5);
    expect(global(x, "b").value).toBe(2.5);
    for (const name of Object.values(METER_GLOBAL)) expect(global(x, name).value).toBe(0);
    expect(call(x, "f", [], BIG)).toMatchObject({ result: 5, used: 1 });
  });

  it("moves the start function to the __rf_init export, so nothing runs at instantiation", () => {
    const out = metered(`(module
      (global $g (export "g") (mut i32) (i32.const 1))
      (func $init (global.set $g (i32.const 9)))
      (start $init))`);
    const m = binaryen.readBinary(out);
    expect(m.getStart()).toBe(0);
    m.dispose();
    const x = instantiate(out);
    expect(global(x, "g").value).toBe(1);
    expect(call(x, METER_INIT_EXPORT, [], BIG)).toMatchObject({ trapped: false, used: 2 });
    expect(global(x, "g").value).toBe(9);
  });

  it("caps the memory maximum and flags a refused memory.grow", () => {
    const out = metered(`(module (memory (export "memory") 1 16)
      (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages))))`, { maxMemoryPages: 4 });
    const m = binaryen.readBinary(out);
    expect(m.getMemoryInfo()).toMatchObject({ initial: 1, max: 4 });
    m.dispose();
    const x = instantiate(out);
    expect(call(x, "grow", [10], BIG).result).toBe(-1);
    expect(global(x, METER_GLOBAL.growDenied).value).toBe(1);
    global(x, METER_GLOBAL.growDenied).value = 0;
    expect(call(x, "grow", [3], BIG).result).toBe(1);
    expect(global(x, METER_GLOBAL.growDenied).value).toBe(0);
    expect((x.memory as WasmMemory).buffer.byteLength).toBe(4 * 65536);
    expect(call(x, "grow", [1], BIG).result).toBe(-1);
    expect(global(x, METER_GLOBAL.growDenied).value).toBe(1);
  });

  it("gives a memory with no maximum the cap as its maximum", () => {
    const m = binaryen.readBinary(metered(`(module (memory 2))`, { maxMemoryPages: 7 }));
    expect(m.getMemoryInfo()).toMatchObject({ initial: 2, max: 7 });
    m.dispose();
  });

  it("is deterministic: the same bytes and options give the same output", () => {
    const text = `(module (memory 1) (func (export "f") (param i32) (result i32) (local i32)
      (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0))) (br_if $l (i32.lt_u (local.get 1) (i32.const 99))))
      (f32.store (i32.const 0) (f32.sqrt (f32.convert_i32_s (local.get 1))))
      (memory.fill (i32.const 0) (i32.const 0) (local.get 0))
      (local.get 1))
      (func $r (export "r") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (call $r (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0)))))`;
    const a = metered(text);
    const b = metered(text);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    // the recursive function's depth check embeds the budget
    expect(Buffer.from(metered(text, { stackBudget: 100 })).equals(Buffer.from(a))).toBe(false);
  });

  it("keeps multi-value functions and blocks working", () => {
    const text = `(module
      (func $pair (param i32) (result i32 i32) (local.get 0) (i32.const 10))
      (func (export "mv") (param i32) (result i32)
        (call $pair (local.get 0))
        (block (param i32 i32) (result i32) (i32.sub))))`;
    const plain = instantiate(wat(text));
    const x = instantiate(metered(text));
    expect(call(x, "mv", [3], BIG).result).toBe(fn(plain, "mv")(3));
    expect(call(x, "mv", [3], BIG).result).toBe(-7);
  });

  it("refuses what it cannot meter with a one-line MeteringError", () => {
    const notWasm = () => instrumentModule(new Uint8Array([1, 2, 3, 4]));
    expect(notWasm).toThrow(MeteringError);
    expect(notWasm).toThrow(/^cannot read module: [^\n]+$/);
    const tableCopy = () => instrumentModule(wat(`(module (table 2 funcref) (elem (i32.const 0) func $f $f)
      (func $f (table.copy (i32.const 0) (i32.const 1) (i32.const 1))))`));
    expect(tableCopy).toThrow(MeteringError);
    expect(tableCopy).toThrow(/unsupported instruction 'TableCopy'/);
  });

  it("refuses expressions nested deeper than MAX_EXPRESSION_DEPTH on any thread, and meters one level less", () => {
    // (i32.add 1 (i32.add 1 (... ))) as stack code: n+1 consts, then n adds.
    const chain = (n: number) => strategyBytes({ bodies: { rf_start: [...Array(n + 1).fill([0x41, 0x01]).flat(), ...Array(n).fill(0x6a), 0x1a] } });
    expect(() => instrumentModule(chain(MAX_EXPRESSION_DEPTH + 1))).toThrow(/^expressions nested too deeply to meter \(over \d+ levels\)$/);
    expect(instrumentModule(chain(MAX_EXPRESSION_DEPTH - 2)).length).toBeGreaterThan(0);
  });

  it("checks its options", () => {
    const bytes = wat(`(module)`);
    expect(() => instrumentModule(bytes, { stackBudget: 0 })).toThrow(/^stackBudget=0:/);
    expect(() => instrumentModule(bytes, { maxMemoryPages: 65537 })).toThrow(/^maxMemoryPages=65537:/);
    expect(() => instrumentModule(bytes, { stackBudget: 1.5 })).toThrow(RangeError);
  });
});

describe("instrumentModule: module plan", () => {
  /** Instantiates with an env.probe import that records the meter globals when the guest calls it. */
  function withProbe(text: string, options = {}) {
    const seen: { fuel: number; depth: number }[] = [];
    let exportsRef = {} as WasmExports;
    const imports = {
      env: {
        probe: () => {
          seen.push({ fuel: global(exportsRef, METER_GLOBAL.fuel).value, depth: global(exportsRef, METER_GLOBAL.depth).value });
          global(exportsRef, METER_GLOBAL.fuel).value -= 100; // what the sandbox's call table does
        },
      },
    };
    exportsRef = instantiate(metered(text, options), imports);
    return { x: exportsRef, seen };
  }

  it("a prepaid helper that calls the host still sees exact fuel (its caller syncs before calling it)", () => {
    const { x, seen } = withProbe(`(module
      (import "env" "probe" (func $probe))
      (func $leaf (param i32) (call $probe) (drop (local.get 0)))
      (func (export "loopCalls") (param $n i32) (local $i i32)
        (loop $l
          (call $leaf (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`);
    // loop body: call + get (2) + leaf entry (call 1 + drop 1 + get 1 = 3) + 4 + 4 = 13; entry 1
    const o = call(x, "loopCalls", [4], BIG);
    expect(seen.map((s) => s.fuel)).toEqual([0, 1, 2, 3].map((k) => BIG - 1 - 13 * (k + 1) - 100 * k));
    expect(o.used).toBe(1 + 13 * 4 + 100 * 4);
  });

  it("a helper reachable through the table charges its own entry (call_indirect callers cannot prepay it)", () => {
    const x = instantiate(metered(`(module
      (type $t (func (result i32)))
      (table 2 funcref) (elem (i32.const 0) $three $direct)
      (func $three (result i32) (i32.add (i32.const 1) (i32.const 2)))
      (func $direct (result i32) (i32.const 9))
      (func $hidden (result i32) (i32.add (i32.const 4) (i32.const 5)))
      (func (export "viaTable") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
      (func (export "viaCall") (result i32) (call $hidden)))`));
    // call_indirect + local.get = 2, then the callee's own entry: 3 ($three) or 1 ($direct)
    expect(call(x, "viaTable", [0], BIG)).toMatchObject({ result: 3, used: 2 + 3 });
    expect(call(x, "viaTable", [1], BIG)).toMatchObject({ result: 9, used: 2 + 1 });
    // a direct call to a prepaid helper: call 1 + the helper's 3, all charged at the caller's entry
    expect(call(x, "viaCall", [], BIG)).toMatchObject({ result: 9, used: 1 + 3 });
  });

  it("recursion through call_indirect (entry wrappers, __rf_depth hand-off) counts its frames and gives them back", () => {
    const x = instantiate(metered(`(module
      (type $t (func (param i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $r)
      (global $calls (export "calls") (mut i32) (i32.const 0))
      (func $r (export "r") (param $n i32) (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0))))))
      (func (export "many") (param $k i32) (result i32) (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (call $r (i32.const 20))))
          (local.set $acc (i32.add (local.get $acc) (call_indirect (type $t) (i32.const 20) (i32.const 0))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $k))))
        (local.get $acc)))`, { stackBudget: 200 }));
    // a leak of even one unit per call would fault long before 2000 calls of depth 21
    expect(call(x, "many", [1000], 1e8)).toMatchObject({ trapped: false, result: 40 * 1000 });
    const deep = [1, 2].map(() => {
      global(x, "calls").value = 0;
      return { ...call(x, "r", [1e9], 1e8), calls: global(x, "calls").value };
    });
    expect(deep[0]).toMatchObject({ trapped: true, fault: MeterFault.CallDepth });
    expect(deep[1]).toEqual(deep[0]);
    expect(deep[0].calls).toBeGreaterThan(21);
    expect(deep[0].calls).toBeLessThan(200);
  });

  it("calls made one after another under one __rf_arm each start at the depth the host gave (the sandbox's init sequence)", () => {
    const x = instantiate(metered(`(module
      (type $t (func (param i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $r)
      (func $r (export "r") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))))`,
    { stackBudget: 300 }));
    // the deepest recursion that fits, from depth 0
    let deepest = 0;
    while (!call(x, "r", [deepest + 1], BIG).trapped) deepest++;
    expect(deepest).toBeGreaterThan(10);
    fn(x, METER_EXPORT.arm)(BIG);
    for (let i = 0; i < 3; i++) expect(fn(x, "r")(deepest)).toBe(deepest);
    expect(global(x, METER_GLOBAL.depth).value).toBe(0);
  });

  it("recursive functions leave room for the heaviest non-recursive call path", () => {
    const rec = `(global $calls (export "calls") (mut i32) (i32.const 0))
      (func $r (param $n i32) (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (if (result i32) (local.get $n) (then (call $r (i32.sub (local.get $n) (i32.const 1)))) (else (i32.const 0))))`;
    const deepest = (text: string) => {
      const x = instantiate(metered(text, { stackBudget: 400 }));
      expect(call(x, "top", [], BIG)).toMatchObject({ trapped: true, fault: MeterFault.CallDepth });
      return global(x, "calls").value;
    };
    const direct = deepest(`(module ${rec} (func (export "top") (drop (call $r (i32.const 100000)))))`);
    let chain = "";
    for (let i = 0; i < 20; i++) chain += `(func $c${i} (param i64 i64 i64 i64 i64 i64 i64 i64) (${i === 19 ? "drop (call $r (i32.const 100000))" : `call $c${i + 1} (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7)`}))\n`;
    const viaChain = deepest(`(module ${rec} ${chain}
      (func (export "top") (call $c0 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0))))`);
    expect(direct).toBeGreaterThan(0);
    expect(viaChain).toBeGreaterThan(0);
    expect(viaChain).toBeLessThan(direct);
  });

  it("falls back to counting every frame when the non-recursive reserve would take over half the budget", () => {
    let chain = "";
    for (let i = 0; i < 30; i++) chain += `(func $c${i} ${i === 29 ? "(call $probe)" : `(call $c${i + 1})`})\n`;
    const text = `(module (import "env" "probe" (func $probe)) ${chain} (func (export "top") (call $c0)))`;
    // 32 frames of one unit each at the probe: top's entry wrapper, top, c0..c29.
    // Budgets 64 and up keep the reserve (32) within half: nothing counts. Below, every frame counts.
    for (const [stackBudget, runs] of [[4096, true], [64, true], [40, true], [32, true], [31, false], [20, false]] as const) {
      const probed = withProbe(text, { stackBudget });
      const o = call(probed.x, "top", [], BIG);
      expect(o, `stackBudget ${stackBudget}`).toMatchObject(runs ? { trapped: false } : { trapped: true, fault: MeterFault.CallDepth });
      expect(probed.seen.length, `stackBudget ${stackBudget}`).toBe(runs ? 1 : 0);
    }
  });

  it("exports __rf_arm, __rf_fuel_left and __rf_charge for the host", () => {
    const x = instantiate(metered(`(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))`));
    for (const name of [METER_GLOBAL.depth, METER_GLOBAL.fault, METER_GLOBAL.growDenied]) global(x, name).value = 7;
    fn(x, METER_EXPORT.arm)(123);
    expect(Object.values(METER_GLOBAL).map((n) => global(x, n).value)).toEqual([123, 0, 0, 0]);
    expect(fn(x, "f")()).toBe(3);
    expect(fn(x, METER_EXPORT.fuelLeft)()).toBe(120);
    expect(fn(x, METER_EXPORT.charge)(100)).toBe(1);
    expect(fn(x, METER_EXPORT.fuelLeft)()).toBe(20);
    expect(fn(x, METER_EXPORT.charge)(20)).toBe(1);
    expect(fn(x, METER_EXPORT.fuelLeft)()).toBe(0);
    fn(x, METER_EXPORT.arm)(50);
    expect(fn(x, METER_EXPORT.charge)(51)).toBe(0);
    expect(fn(x, METER_EXPORT.fuelLeft)()).toBe(0);
    fn(x, METER_EXPORT.arm)(-5); // a host bug must not leave negative fuel for the guest
    expect(fn(x, METER_EXPORT.fuelLeft)()).toBe(0);
  });

  it("adds __rf_enter_<callback>: arms like __rf_arm, runs the callback, returns the fuel left", () => {
    const text = `(module
      (global $n (export "n") (mut i32) (i32.const 0))
      (func (export "rf_on_market") (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1))) (br_if $l (i32.lt_u (global.get $n) (i32.const 10)))))
      (func (export "rf_on_order"))
      (func (export "rf_on_timer") (param i32)))`;
    const viaEntry = instantiate(metered(text));
    const viaArm = instantiate(metered(text));
    expect(typeof viaEntry[METER_ENTRY_EXPORTS.rf_on_market]).toBe("function");
    expect(typeof viaEntry[METER_ENTRY_EXPORTS.rf_on_order]).toBe("function");
    // Only () -> () callbacks get an entry.
    expect(viaEntry[METER_ENTRY_EXPORTS.rf_on_timer]).toBeUndefined();
    for (const name of [METER_GLOBAL.depth, METER_GLOBAL.fault, METER_GLOBAL.growDenied]) global(viaEntry, name).value = 7;
    const left = fn(viaEntry, METER_ENTRY_EXPORTS.rf_on_market)(1000);
    fn(viaArm, METER_EXPORT.arm)(1000);
    fn(viaArm, "rf_on_market")();
    expect(left).toBe(fn(viaArm, METER_EXPORT.fuelLeft)());
    expect(left).toBeLessThan(1000);
    expect([METER_GLOBAL.depth, METER_GLOBAL.fault, METER_GLOBAL.growDenied].map((n) => global(viaEntry, n).value)).toEqual([0, 0, 0]);
    // Out of fuel inside: traps like the callback itself, with the fault recorded.
    expect(() => fn(viaEntry, METER_ENTRY_EXPORTS.rf_on_market)(5)).toThrow();
    expect(global(viaEntry, METER_GLOBAL.fault).value).toBe(MeterFault.OutOfFuel);
  });
});
