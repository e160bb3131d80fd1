// The faults a live report gives for strategies whose worker died without
// its final report: still typed (a FaultKind, not a piece of the text), and
// a strategy that faulted on its own before its worker died keeps exactly
// the fault a backtest gives it.
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../host/backtest/backtest.ts";
import { runLive } from "../../host/live/liveRun.ts";
import { RingPolicy } from "../../host/ring/broadcastLayout.ts";
import { FaultKind } from "../../host/sandbox/faults.ts";
import { strategyWat, wat } from "../fixtures/wat.ts";
import { exampleSpec, spec, synthetic } from "../support/backtestHarness.ts";
import { distPath } from "../support/dist.ts";

const KINDS: readonly string[] = Object.values(FaultKind);

describe("live report of a worker that died", () => {
  it("a strategy's own fault before its worker died is the backtest's; the others' is a typed watchdog fault", async () => {
    const recording = synthetic(5_000, 3, 2);
    const trapper = spec(wat(strategyWat({ callbacks: { rf_on_market: "unreachable" } })), { label: "trapper" });
    // Spins on its first market event with more fuel than the watchdog allows wall time for.
    const spinner = spec(wat(strategyWat({ callbacks: { rf_on_market: "(loop $l (br $l))" } })), { label: "spinner", sandbox: { fuelPerCallback: 0x7fffffff } });
    const specs = [trapper, exampleSpec("momentum"), spinner];
    const live = await runLive({
      recording, strategies: specs, workers: 1, wait: "hybrid", policy: RingPolicy.Lossless,
      durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"), watchdogMs: 300,
    });
    const [trap, mom, spin] = live.strategies;
    // The one worker was killed while the spinner spun; the trapper had faulted at the same event, first.
    for (const s of live.strategies) {
      expect(s.faults).toHaveLength(1);
      expect(KINDS).toContain(s.faults[0].kind);
    }
    const bt = runBacktest({ recording, strategies: [trapper] }).report.strategies[0];
    expect(trap.faults[0]).toEqual(bt.faults[0]);
    expect(trap.liveFault).toMatch(/^trap at event 0: /);
    for (const s of [mom, spin]) {
      expect(s.faults[0]).toMatchObject({ kind: "watchdog", atEvent: -1, callback: "-" });
      expect(s.faults[0].message).toMatch(/^worker 0 heartbeat frozen for \d+ ms$/);
      expect(s.liveFault).toBe(`watchdog: ${s.faults[0].message}`);
    }
  });
});
