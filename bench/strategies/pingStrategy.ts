/**
 * The "ping" strategy of `bench latency`: on every market event it submits
 * one IOC buy limit 1 % under the bid. The order passes every risk check
 * (PING_RISK), reaches the venue, finds nothing to cross and expires at
 * once, so the strategy never accumulates working orders or a position and
 * every event costs the same: one guest callback, one submit_order through
 * the call table, risk gate, venue and audit, one order message.
 *
 * Guest memory: event buffer at 1024 (ABI rf_event_buffer), OrderRequest
 * (host/abi/guestRecords.ts) at 2048, 8-aligned.
 */
import { EventOffset } from "../../host/abi/eventRecord.ts";
import { OrderRequestOffset } from "../../host/abi/guestRecords.ts";
import { OrderType, Side, TimeInForce } from "../../host/abi/codes.ts";
import type { StrategySpec } from "../../host/engine/strategyRunner.ts";
import { riskLimits, type RiskLimits } from "../../host/risk/riskLimits.ts";
import { benchStrategySpec } from "./benchModule.ts";

const EVENT = 1024;
const REQ = 2048;

export const PING_WAT = `(module
  (import "ringfence" "submit_order" (func $submit_order (param i32) (result i32)))
  (memory $memory (export "memory") 1 1)
  (global $tag (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const ${EVENT}))
  (func (export "rf_start"))
  (func (export "rf_on_market") (local $bid i64)
    (local.set $bid (i64.load (i32.const ${EVENT + EventOffset.price})))
    (i32.store (i32.const ${REQ + OrderRequestOffset.instrument}) (i32.load (i32.const ${EVENT + EventOffset.instrument})))
    (i32.store8 (i32.const ${REQ + OrderRequestOffset.side}) (i32.const ${Side.Buy}))
    (i32.store8 (i32.const ${REQ + OrderRequestOffset.type}) (i32.const ${OrderType.Limit}))
    (i32.store8 (i32.const ${REQ + OrderRequestOffset.tif}) (i32.const ${TimeInForce.IOC}))
    (i32.store8 (i32.const ${REQ + OrderRequestOffset.reserved0}) (i32.const 0))
    (i64.store (i32.const ${REQ + OrderRequestOffset.priceTicks}) (i64.sub (local.get $bid) (i64.div_u (local.get $bid) (i64.const 100))))
    (i64.store (i32.const ${REQ + OrderRequestOffset.qtyLots}) (i64.const 1))
    (i32.store (i32.const ${REQ + OrderRequestOffset.clientTag}) (global.get $tag))
    (i32.store (i32.const ${REQ + OrderRequestOffset.reserved1}) (i32.const 0))
    (global.set $tag (i32.add (global.get $tag) (i32.const 1)))
    (drop (call $submit_order (i32.const ${REQ}))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop")))`;

/**
 * Nothing may be denied: the throttle allows twice the orders per window
 * that the 1 µs event spacing can produce (2 000 per ms of event time), the
 * collar is wide, and an IOC never stays working. Everything else keeps its
 * default. (Until the fifth session the throttle was 1 000 000 orders per
 * µs: an 8 MB log the gate streamed through, one new page every 512 orders,
 * and those samples ~0.25 µs slow. A throttle log of that size is not a
 * limit anyone sets; 2 000 is 16 KB.)
 */
export const PING_RISK: RiskLimits = riskLimits({ throttleMaxOrders: 2_000, throttleWindowNs: 1_000_000, priceCollarBps: 2_000 });

export function pingStrategySpec(): StrategySpec {
  return benchStrategySpec("bench/ping", PING_WAT, PING_RISK);
}
