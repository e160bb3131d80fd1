// Determinism across worker counts and ring sizes: the backtest report
// (every strategy's entry and the run chain) is byte-identical.
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../host/backtest/backtest.ts";
import { runWorkerBacktest } from "../../host/backtest/workerBacktest.ts";
import { strategyWat, wat } from "../fixtures/wat.ts";
import { exampleSpec, spec, synthetic } from "../support/backtestHarness.ts";
import { distPath } from "../support/dist.ts";

describe("backtest through workers", () => {
  const recording = synthetic(25_000, 9, 3);
  // A strategy that runs out of fuel after 2000 events: its fault must land
  // at the same event and fuel count whatever the worker layout.
  const faulty = spec(wat(strategyWat({
    extra: `(global $n (mut i32) (i32.const 0))`,
    callbacks: { rf_on_market: `(global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.gt_u (global.get $n) (i32.const 2000)) (then (loop $l (br $l))))` },
  })), { label: "faulty", sandbox: { fuelPerCallback: 200_000 } });
  // One whose timers, each within its callback budget, spend the event's
  // budget together once it arms eight per event (from event 3000 on).
  const timerBurner = spec(wat(strategyWat({
    imports: `(import "ringfence" "set_timer" (func $timer (param i32 i32) (result i32)))`,
    extra: `(global $n (mut i32) (i32.const 0))`,
    callbacks: {
      rf_on_market: `(local $i i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.gt_u (global.get $n) (i32.const 3000)) (then (loop $l (drop (call $timer (i32.const 0) (local.get $i))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 8))))))`,
      rf_on_timer: `(local $k i32) (loop $l (local.set $k (i32.add (local.get $k) (i32.const 1))) (br_if $l (i32.lt_u (local.get $k) (i32.const 20000))))`,
    },
  })), { label: "timer-burner", sandbox: { fuelPerCallback: 200_000, fuelPerEvent: 300_000 } });
  const strategies = [exampleSpec("market-maker"), exampleSpec("momentum"), faulty, exampleSpec("mean-reversion"), timerBurner];
  const expected = JSON.stringify(runBacktest({ recording, strategies }).report);

  it.each([
    [1, 4096, 256, 64],
    [2, 4096, 256, 64],
    [3, 4096, 1, 1],
    [2, 64, 7, 13],
    [4, 16, 16, 3],
  ])("workers=%i ring=%i publishBatch=%i pollBatch=%i gives the in-process report byte for byte", async (workers, ringCapacity, publishBatch, pollBatch) => {
    const report = await runWorkerBacktest({ recording, strategies, workers, ringCapacity, publishBatch, pollBatch, workerScript: distPath("strategyWorker.worker.mjs") });
    expect(JSON.stringify(report)).toBe(expected);
    expect(report.strategies[2].faults[0]).toMatchObject({ kind: "out_of_fuel", atEvent: expect.any(Number) });
    expect(report.strategies[4].faults[0]).toMatchObject({ kind: "out_of_fuel", callback: "rf_on_timer", message: expect.stringContaining("budget of 300000") });
  });
});
