// The witnessed backtest is the real backtest plus observers: same reports,
// and the witnesses see what the reports cannot.
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../host/backtest/backtest.ts";
import { StrategyRunner, type StrategySpec } from "../../../host/engine/strategyRunner.ts";
import { Invariant } from "../../../host/fuzz/violation.ts";
import { runWitnessed } from "../../../host/fuzz/witnessedRun.ts";
import { riskLimits } from "../../../host/risk/riskLimits.ts";
import { sandboxLimits } from "../../../host/sandbox/limits.ts";
import { prepareModule } from "../../../host/sandbox/preparedModule.ts";
import type { OrderFields } from "../../../host/venue/orderFields.ts";
import { fuzzEnv } from "./fuzzSupport.ts";
import { ScriptGenerator } from "../../../host/fuzz/scriptGenerator.ts";

const env = fuzzEnv();
const sandbox = sandboxLimits({ fuelPerCallback: 200_000 });
function scripted(seed: number): StrategySpec {
  return { label: `script-${seed}`, prepared: prepareModule(ScriptGenerator.generate(seed).bytes, sandbox, "s"), params: new Map(), risk: riskLimits({}), sandbox };
}

describe("runWitnessed", () => {
  it("gives exactly runBacktest's report and audit chains", () => {
    const specs = [...env.neighbours.map((n) => n.spec), scripted(3), scripted(4)];
    const plain = runBacktest({ recording: env.recording, strategies: specs });
    const witnessed = runWitnessed(env.recording, specs).run;
    expect(witnessed.report).toEqual(plain.report);
    expect(witnessed.auditLogs.map((l) => l.headHex)).toEqual(plain.auditLogs.map((l) => l.headHex));
  });

  it("counts host calls, gate passes, venue orders and market callbacks", () => {
    const { run, witnesses } = runWitnessed(env.recording, env.neighbours.map((n) => n.spec));
    const mm = env.neighbours.findIndex((n) => n.name === "market-maker");
    const w = witnesses[mm];
    const r = run.report.strategies[mm];
    expect(w.problems).toEqual([]);
    expect(w.venueSubmits).toBe(r.orders);
    expect(w.riskPassed).toBe(r.orders);
    expect(w.contextCalls.submit_order).toBe(r.orders + r.rejects);
    // The market maker subscribes to its own instrument's quotes: it hears
    // many market events but not all (problems = [] says each one it was
    // subscribed to arrived exactly once, and no other).
    let market = 0;
    for (let e = 0; e < env.recording.count; e++) if (env.recording.events[e * 16] <= 2) market++;
    expect(w.marketCallbacks).toBeGreaterThan(150);
    expect(w.marketCallbacks).toBeLessThan(market);
    expect(w.memoryBytes).toBeGreaterThan(0);
  });

  it("catches an order that reaches the venue without passing the risk gate", () => {
    // Plant the bug: for this test, submitOrder skips the gate and goes straight to the venue.
    const original = StrategyRunner.prototype.submitOrder;
    StrategyRunner.prototype.submitOrder = function (this: StrategyRunner, o: OrderFields): number {
      const venue = (this as unknown as { venue: { submit(o: OrderFields, t: number, s: number): number } }).venue;
      return venue.submit(o, this.timeNs, 0);
    };
    try {
      const { witnesses } = runWitnessed(env.recording, [env.neighbours.find((n) => n.name === "market-maker")!.spec]);
      expect(witnesses[0].problems.some((p) => p.invariant === Invariant.RiskGate)).toBe(true);
    } finally {
      StrategyRunner.prototype.submitOrder = original;
    }
  });
});
