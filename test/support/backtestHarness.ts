/**
 * Runs strategy modules through the real pipeline (admission → metering →
 * sandbox → risk → venue → audit) over a small synthetic recording.
 */
import { runBacktest, type BacktestRun } from "../../host/backtest/backtest.ts";
import type { StrategySpec } from "../../host/engine/strategyRunner.ts";
import type { Recording } from "../../host/feed/recording.ts";
import { generateSynthetic } from "../../host/feed/synthetic.ts";
import { riskLimits, type RiskLimits } from "../../host/risk/riskLimits.ts";
import { sandboxLimits, type SandboxLimits } from "../../host/sandbox/limits.ts";
import { prepareModule } from "../../host/sandbox/preparedModule.ts";
import { readFileSync } from "node:fs";
import { distPath } from "./dist.ts";

export function spec(bytes: Uint8Array, o: { label?: string; params?: Record<string, number>; risk?: Partial<RiskLimits>; sandbox?: Partial<SandboxLimits> } = {}): StrategySpec {
  const sandbox = sandboxLimits(o.sandbox ?? {});
  return {
    label: o.label ?? "test",
    prepared: prepareModule(bytes, sandbox, o.label ?? "test"),
    params: new Map(Object.entries(o.params ?? {})),
    risk: riskLimits(o.risk ?? {}),
    sandbox,
  };
}

/** An example strategy as built into dist/strategies (npm run build), labelled by its name. */
export function exampleSpec(name: string): StrategySpec {
  return spec(new Uint8Array(readFileSync(distPath(`strategies/${name}.wasm`))), { label: name });
}

const cache = new Map<string, Recording>();
export function synthetic(events: number, seed = 7, instruments = 2): Recording {
  const key = `${events}/${seed}/${instruments}`;
  let r = cache.get(key);
  if (!r) cache.set(key, (r = generateSynthetic({ seed, events, instruments })));
  return r;
}

/** A backtest that keeps its audit entries (tests read them back). */
export function backtest(specs: StrategySpec[], recording: Recording = synthetic(2000)): BacktestRun {
  return runBacktest({ recording, strategies: specs, keepAudit: true });
}
