/**
 * Bench-only guest modules go through the same admission + metering as a
 * user's upload (prepareModule), so the benchmarks time what production runs.
 */
import type { StrategySpec } from "../../host/engine/strategyRunner.ts";
import type { InstrumentSpec } from "../../host/feed/instrument.ts";
import type { RiskLimits } from "../../host/risk/riskLimits.ts";
import { DEFAULT_SANDBOX_LIMITS } from "../../host/sandbox/limits.ts";
import { prepareModule } from "../../host/sandbox/preparedModule.ts";
import { watToWasm } from "../kernels/wat.ts";

/** One instrument is all the benchmarks trade. */
export const BENCH_INSTRUMENTS: readonly InstrumentSpec[] = Object.freeze([
  Object.freeze({ id: 0, symbol: "BENCH", priceDecimals: 2, qtyDecimals: 0 }),
]);

/** Allocates: WAT → admitted, metered, compiled StrategySpec (set-up time only). */
export function benchStrategySpec(label: string, wat: string, risk: RiskLimits): StrategySpec {
  const prepared = prepareModule(watToWasm(wat), DEFAULT_SANDBOX_LIMITS, label);
  return { label, prepared, params: new Map(), risk, sandbox: DEFAULT_SANDBOX_LIMITS };
}
