// The call table validates every guest argument: bad ones are typed faults
// for that strategy; risk answers and "not found" are plain results.
import { describe, expect, it } from "vitest";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { backtest, spec } from "../../support/backtestHarness.ts";

const IMPORTS = `
  (import "ringfence" "submit_order" (func $submit (param i32) (result i32)))
  (import "ringfence" "cancel_order" (func $cancel (param i32) (result i32)))
  (import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "ringfence" "read_position" (func $pos (param i32 i32) (result i32)))
  (import "ringfence" "read_orders" (func $orders (param i32 i32) (result i32)))
  (import "ringfence" "set_timer" (func $timer (param i32 i32) (result i32)))
  (import "ringfence" "param" (func $param (param i32 i32 i32) (result i32)))
  (import "ringfence" "event_time" (func $time (param i32) (result i32)))`;

/** Writes an OrderRequest at 2048: instrument, side, type, tif, price, qty. */
function order(instrument: number, side: number, type: number, tif: number, price: bigint, qty: bigint, rsv = 0): string {
  return `(i32.store (i32.const 2048) (i32.const ${instrument}))
    (i32.store8 (i32.const 2052) (i32.const ${side})) (i32.store8 (i32.const 2053) (i32.const ${type}))
    (i32.store8 (i32.const 2054) (i32.const ${tif})) (i32.store8 (i32.const 2055) (i32.const ${rsv}))
    (i64.store (i32.const 2056) (i64.const ${price})) (i64.store (i32.const 2064) (i64.const ${qty}))
    (i64.store (i32.const 2072) (i64.const 0))`;
}

function run(body: string, o: Parameters<typeof spec>[1] = {}, where: "rf_on_market" | "rf_start" = "rf_on_market") {
  return backtest([spec(wat(strategyWat({ imports: IMPORTS, callbacks: { [where]: body } })), o)]).report.strategies[0];
}

describe("host call table", () => {
  it("an order before any market data is denied (no reference price), not a fault", () => {
    const s = run(`${order(0, 1, 1, 1, 100n, 1n)} (drop (call $submit (i32.const 2048)))`, { risk: { priceCollarBps: 10_000 } }, "rf_start");
    expect(s.faults).toEqual([]);
    // no reference price at start → typed denial, not a fault
    expect(s.rejects).toBe(1);
    expect(s.denials).toEqual({ no_reference_price: 1 });
  });

  it("risk denials come back as negative results, counted by reason", () => {
    const s = run(`${order(0, 1, 1, 1, 1n, 1n)} (drop (call $submit (i32.const 2048)))`);
    expect(s.faults).toEqual([]);
    expect(s.orders).toBe(0);
    expect(s.denials.price_collar).toBeGreaterThan(0);
  });

  it("an unknown instrument is a typed denial", () => {
    const s = run(`${order(99, 1, 2, 2, 0n, 1n)} (drop (call $submit (i32.const 2048)))`);
    expect(s.faults).toEqual([]);
    expect(s.denials.unknown_instrument).toBeGreaterThan(0);
  });

  it.each([
    ["side 3", order(0, 3, 1, 1, 100n, 1n), /side 3/],
    ["type 0", order(0, 1, 0, 1, 100n, 1n), /type 0/],
    ["tif 9", order(0, 1, 1, 9, 100n, 1n), /tif 9/],
    ["reserved byte", order(0, 1, 1, 1, 100n, 1n, 1), /reserved/],
    ["zero qty", order(0, 1, 1, 1, 100n, 0n), /qty_lots/],
    ["negative qty", order(0, 1, 1, 1, 100n, -5n), /qty_lots/],
    ["qty beyond 2^53", order(0, 1, 1, 1, 100n, 0x7fffffffffffffffn), /qty_lots/],
    ["limit price 0", order(0, 1, 1, 1, 0n, 1n), /price_ticks/],
    ["market with a price", order(0, 1, 2, 2, 5n, 1n), /market order price_ticks/],
  ])("submit_order with %s is bad_host_call", (_name, write, msg) => {
    const s = run(`${write} (drop (call $submit (i32.const 2048)))`);
    expect(s.faults[0].kind).toBe("bad_host_call");
    expect(s.faults[0].message).toMatch(msg);
    expect(s.faults[0].atEvent).toBe(0);
  });

  it.each([
    ["misaligned", "(drop (call $submit (i32.const 2049)))", /req_ptr/],
    ["past the end", "(drop (call $submit (i32.const 65528)))", /req_ptr/],
    ["negative (huge) pointer", "(drop (call $submit (i32.const -8)))", /req_ptr/],
    ["log huge length", "(drop (call $log (i32.const 1) (i32.const 0) (i32.const 100000)))", /len 100000/],
    ["log negative length", "(drop (call $log (i32.const 1) (i32.const 0) (i32.const -1)))", /len -1/],
    ["log bad level", "(drop (call $log (i32.const 7) (i32.const 0) (i32.const 1)))", /level 7/],
    ["log out of bounds", "(drop (call $log (i32.const 1) (i32.const 65535) (i32.const 2)))", /out of bounds/],
    ["read_position out of bounds", "(drop (call $pos (i32.const 0) (i32.const 65530)))", /out_ptr/],
    ["read_orders huge max", "(drop (call $orders (i32.const 0) (i32.const 100000)))", /max 100000/],
    ["read_orders overlapping the end", "(drop (call $orders (i32.const 65000) (i32.const 100)))", /out of bounds/],
    ["set_timer negative delay", "(drop (call $timer (i32.const -1) (i32.const 0)))", /delay_us -1/],
    ["param zero-length key", "(drop (call $param (i32.const 0) (i32.const 0) (i32.const 8)))", /key_len 0/],
    ["event_time misaligned", "(drop (call $time (i32.const 3)))", /out_ptr/],
  ])("%s is bad_host_call", (_name, body, msg) => {
    const s = run(body);
    expect(s.faults[0]?.kind).toBe("bad_host_call");
    expect(s.faults[0].message).toMatch(msg);
  });

  it("log lines past the per-callback budget are dropped and counted, not faults", () => {
    const twenty = Array.from({ length: 20 }, () => "(drop (call $log (i32.const 1) (i32.const 0) (i32.const 4)))").join(" ");
    const s = backtest([spec(wat(strategyWat({ imports: IMPORTS, callbacks: { rf_start: twenty } })))]).report.strategies[0];
    expect(s.faults).toEqual([]);
    expect(s.logs).toBe(8);
    expect(s.logsDropped).toBe(12);
  });

  it("host calls are charged fuel: a log storm exhausts a small budget", () => {
    const storm = "(loop $l (drop (call $log (i32.const 1) (i32.const 0) (i32.const 512))) (br $l))";
    const s = run(storm, { sandbox: { fuelPerCallback: 50_000 } });
    expect(s.faults[0].kind).toBe("out_of_fuel");
  });

  it("cancel of an unknown order is a plain status", () => {
    const s = run("(drop (call $cancel (i32.const 12345))) (drop (call $cancel (i32.const -3)))");
    expect(s.faults).toEqual([]);
    expect(s.cancels).toBe(0);
  });
});
