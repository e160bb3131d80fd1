// Every way a hostile guest can fail becomes one typed fault for that
// strategy alone, at the same event and fuel count on every run.
import { describe, expect, it } from "vitest";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { backtest, spec } from "../../support/backtestHarness.ts";

const SUBMIT = `(import "ringfence" "submit_order" (func $submit (param i32) (result i32)))`;
const LOG = `(import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))`;
const ABORT = `(import "ringfence" "abort" (func $abort (param i32 i32 i32 i32)))`;
const COUNTER = `(global $n (mut i32) (i32.const 0))`;
/** Body prefix: count market events; run `then` from the k-th on. */
const after = (k: number, then: string) => `(global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.ge_u (global.get $n) (i32.const ${k})) (then ${then}))`;

function faultOf(text: string, o: Parameters<typeof spec>[1] = {}) {
  const run = backtest([spec(wat(text), o)]);
  const s = run.report.strategies[0];
  return { s, fault: s.faults[0] };
}

describe("typed faults", () => {
  it("an infinite loop in rf_on_market runs out of fuel at the same event and fuel count every run", () => {
    const text = strategyWat({ extra: COUNTER, callbacks: { rf_on_market: after(37, "(loop $l (br $l))") } });
    const a = faultOf(text, { sandbox: { fuelPerCallback: 100_000 } });
    const b = faultOf(text, { sandbox: { fuelPerCallback: 100_000 } });
    expect(a.fault.kind).toBe("out_of_fuel");
    expect(a.fault.callback).toBe("rf_on_market");
    expect(a.fault).toEqual(b.fault);
    expect(a.s.fuelUsed).toBe(b.s.fuelUsed);
    expect(a.fault.fuelAtFault).toBeGreaterThan(90_000);
  });

  it("an infinite loop in the start function is stopped by the start budget", () => {
    const text = strategyWat({ extra: `(func $init (loop $l (br $l))) (start $init)` });
    const { fault } = faultOf(text, { sandbox: { fuelForStart: 50_000 } });
    expect(fault.kind).toBe("out_of_fuel");
    expect(fault.atEvent).toBe(-1);
  });

  it("deep recursion is a call_depth fault, not a host stack overflow", () => {
    const text = strategyWat({ extra: `(func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))`, callbacks: { rf_on_market: "(drop (call $r (i32.const 0)))" } });
    const { fault } = faultOf(text);
    expect(fault.kind).toBe("call_depth");
    expect(fault.atEvent).toBe(faultOf(text).fault.atEvent);
  });

  it("mutual recursion with big frames is a call_depth fault", () => {
    const locals = Array.from({ length: 200 }, () => "(local i64)").join(" ");
    const text = strategyWat({
      extra: `(func $a (param i32) ${locals} (call $b (local.get 0))) (func $b (param i32) ${locals} (call $a (local.get 0)))`,
      callbacks: { rf_on_market: "(call $a (i32.const 1))" },
    });
    expect(faultOf(text).fault.kind).toBe("call_depth");
  });

  it("a memory.grow bomb hits the memory cap and then its trap is memory_limit", () => {
    const text = strategyWat({ callbacks: { rf_on_market: "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable" } });
    const { fault, s } = faultOf(text, { sandbox: { maxMemoryPages: 8 } });
    expect(fault.kind).toBe("memory_limit");
    expect(s.faults).toHaveLength(1);
  });

  it("a trap (integer divide by zero) is a trap fault with a fixed message", () => {
    const text = strategyWat({ extra: COUNTER, callbacks: { rf_on_market: after(5, "(drop (i32.div_u (i32.const 1) (i32.sub (global.get $n) (global.get $n))))") } });
    const { fault } = faultOf(text);
    expect(fault.kind).toBe("trap");
    expect(fault.message).toBe("wasm trap: integer divide by zero");
    expect(fault.atEvent).toBeGreaterThanOrEqual(4);
  });

  it("a bad pointer in a host call is bad_host_call, and the run goes on for others", () => {
    const hostile = strategyWat({ imports: SUBMIT, callbacks: { rf_on_market: "(drop (call $submit (i32.const 0x7ffffff8)))" } });
    const quiet = strategyWat({ imports: LOG, extra: COUNTER, callbacks: { rf_on_market: "(global.set $n (i32.add (global.get $n) (i32.const 1)))" } });
    const run = backtest([spec(wat(hostile), { label: "hostile" }), spec(wat(quiet), { label: "quiet" })]);
    const [h, q] = run.report.strategies;
    expect(h.faults[0].kind).toBe("bad_host_call");
    expect(h.faults[0].message).toMatch(/submit_order: req_ptr out of bounds/);
    expect(q.faults).toEqual([]);
    expect(q.callbacks).toBeGreaterThan(h.callbacks);
  });

  it("abort decodes an AssemblyScript-style message, sanitised to one line", () => {
    // "hi\n" as UTF-16LE at 64 with its byte length (6) at 60.
    const text = strategyWat({ imports: ABORT, extra: `(data (i32.const 60) "\\06\\00\\00\\00h\\00i\\00\\0a\\00")`, callbacks: { rf_on_market: "(call $abort (i32.const 64) (i32.const 0) (i32.const 3) (i32.const 4))" } });
    const { fault } = faultOf(text);
    expect(fault.kind).toBe("abort");
    expect(fault.message).toBe("strategy aborted: abort: hi?");
  });

  it("a module that does not speak ABI v1 is an abi fault at start", () => {
    const { fault } = faultOf(strategyWat({ abiVersion: "(i32.const 2)" }));
    expect(fault.kind).toBe("abi");
    expect(fault.message).toMatch(/rf_abi_version returned 2/);
  });

  it("a fault after N events happens at the same event every run", () => {
    const text = strategyWat({ extra: COUNTER, callbacks: { rf_on_market: after(123, "unreachable") } });
    const a = faultOf(text).fault;
    expect(a.kind).toBe("trap");
    expect(faultOf(text).fault).toEqual(a);
  });
});
