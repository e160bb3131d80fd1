/**
 * The no-op strategy of `bench throughput`: every callback returns at once.
 * Metered all the same (fuel charged at function entry), so what is timed
 * is the cost of delivering an event to a sandboxed strategy, nothing else.
 */
import type { StrategySpec } from "../../host/engine/strategyRunner.ts";
import { DEFAULT_RISK_LIMITS } from "../../host/risk/riskLimits.ts";
import { benchStrategySpec } from "./benchModule.ts";

export const NOOP_WAT = `(module
  (memory $memory (export "memory") 1 1)
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop")))`;

export function noopStrategySpec(): StrategySpec {
  return benchStrategySpec("bench/noop", NOOP_WAT, DEFAULT_RISK_LIMITS);
}
