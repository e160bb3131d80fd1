// Paper trading through real rings and worker threads: decisions equal the
// backtest's, and a dead or wedged worker takes only its own strategies down
// (cancel-on-disconnect, audited) while everyone else carries on.
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../host/backtest/backtest.ts";
import { AUDIT_BLOCK_ENTRIES } from "../../host/audit/auditFormat.ts";
import { runLive } from "../../host/live/liveRun.ts";
import type { Supervisor } from "../../host/live/supervisor.ts";
import { RingPolicy } from "../../host/ring/broadcastLayout.ts";
import { restingBuyWat, strategyWat, wat } from "../fixtures/wat.ts";
import { exampleSpec, spec, synthetic } from "../support/backtestHarness.ts";
import { distPath } from "../support/dist.ts";

const COMPARED = ["orders", "fills", "rejects", "cancels", "position", "pnl", "fuelUsed", "callbacks", "auditHash", "faults"] as const;

function pick(s: object) {
  return Object.fromEntries(COMPARED.map((k) => [k, (s as Record<string, unknown>)[k]]));
}

describe("live mode through the rings", () => {
  it.each([1, 2])("lossless run with %i worker(s) makes exactly the backtest's decisions", async (workers) => {
    const recording = synthetic(30_000, 3, 3);
    const specs = ["market-maker", "momentum", "mean-reversion"].map(exampleSpec);
    const bt = runBacktest({ recording, strategies: specs }).report;
    const live = await runLive({
      recording, strategies: specs, workers, wait: "hybrid", policy: RingPolicy.Lossless,
      durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"),
    });
    expect(live.events).toBe(30_000);
    expect(live.telemetry.gapRecords).toBe(0);
    expect(live.strategies.map(pick)).toEqual(bt.strategies.map(pick));
    expect(live.auditHash).toBe(bt.auditHash);
    expect(live.hostAuditHash).not.toBe(bt.auditHash);
    expect(bt.strategies.some((s) => s.fills > 0)).toBe(true);
    // Every stage of the path was measured: one sample of each per worker from
    // its first batch, then one after each of the feed loop's sample ticks
    // (about one a millisecond), never more.
    const st = live.telemetry.stages;
    const ticks = Math.ceil(live.telemetry.wallMs) + 1;
    expect(st.risk.samples).toBeGreaterThan(0);
    expect(st.risk.samples).toBeLessThanOrEqual(specs.length * (ticks + 1));
    for (const stage of [st.orderToHost, st.feedToWorker, st.callback]) {
      expect(stage.samples).toBeGreaterThan(0);
      expect(stage.samples).toBeLessThanOrEqual(workers * (ticks + 1));
    }
  });

  it("the host chain keeps only its head unless asked to keep its blocks; the head is the same either way", async () => {
    const recording = synthetic(20_000, 3, 3);
    const specs = [exampleSpec("market-maker")];
    const run = async (keepAudit: boolean | undefined) => {
      let sup: Supervisor | null = null;
      const live = await runLive({
        recording, strategies: specs, workers: 1, wait: "hybrid", policy: RingPolicy.Lossless,
        durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"), keepAudit,
        onEvent: { atEvent: 1, run: (s) => { sup = s; } },
      });
      return { live, audit: sup!.audit };
    };
    const plain = await run(undefined);
    const kept = await run(true);
    // One worker on a lossless ring: its messages, and so the host chain, arrive in one order.
    expect(plain.audit.count).toBeGreaterThan(4 * AUDIT_BLOCK_ENTRIES);
    expect(kept.audit.count).toBe(plain.audit.count);
    expect(plain.live.hostAuditHash).toBe(kept.live.hostAuditHash);
    expect(plain.audit.heldBlocks).toBe(0);
    expect(kept.audit.heldBlocks).toBe(Math.floor(kept.audit.count / AUDIT_BLOCK_ENTRIES));
  });

  it("stage telemetry is sampled by time: a short paced run has samples of every stage, at most one per tick", async () => {
    const recording = synthetic(6_000, 5, 2);
    const live = await runLive({
      recording, strategies: [exampleSpec("market-maker")], workers: 1, wait: "spin", policy: RingPolicy.Live,
      durationMs: 0, ratePerSec: 20_000, workerScript: distPath("strategyWorker.worker.mjs"),
    });
    const st = live.telemetry.stages;
    const ticks = Math.ceil(live.telemetry.wallMs) + 1;
    // ~300 ms of feed, a sample tick about every millisecond. Counting events
    // instead (one in 1024, as before) gave at most 6 samples per stage here.
    expect(live.telemetry.wallMs).toBeGreaterThan(250);
    for (const stage of [st.feedToWorker, st.callback]) {
      expect(stage.samples).toBeGreaterThan(20);
      expect(stage.samples).toBeLessThanOrEqual(ticks + 1);
    }
    const orders = live.strategies[0].orders + live.strategies[0].rejects;
    expect(st.risk.samples).toBeGreaterThan(0);
    expect(st.risk.samples).toBeLessThanOrEqual(Math.min(orders, ticks + 1));
    expect(st.orderToHost.samples).toBeGreaterThan(0);
  });

  it("a worker terminated mid-run: its strategies are disconnected with orders cancelled; the others match the backtest", async () => {
    const recording = synthetic(30_000, 4, 2);
    // worker 0: resting, mean-reversion; worker 1: momentum (strategy i runs on worker i % 2)
    const resting = spec(wat(restingBuyWat), { label: "resting", risk: { priceCollarBps: 5000 } });
    const specs = [resting, exampleSpec("momentum"), exampleSpec("mean-reversion")];
    const bt = runBacktest({ recording, strategies: specs }).report;
    const live = await runLive({
      recording, strategies: specs, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless,
      durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"),
      onEvent: { atEvent: 10_000, run: (sup) => void sup.workerThread(0).terminate() },
    });
    const [mm, mom, mr] = live.strategies;
    expect(mm.liveFault).toMatch(/^disconnect: worker 0 exited/);
    expect(mr.liveFault).toMatch(/^disconnect: worker 0 exited/);
    expect(mom.liveFault).toBeNull();
    expect(pick(mom)).toEqual(pick(bt.strategies[1]));
    // its one resting order was working when the worker died: cancelled on disconnect
    expect(bt.strategies[0].orders).toBe(1);
    expect(bt.strategies[0].fills).toBe(0);
    expect(mm.cancelledOnDisconnect).toBe(1);
  });

  it("a strategy that runs 64 heavy timer callbacks per event, each within budget, is progress: the watchdog spares its worker and its neighbour", async () => {
    // Every event fires 64 pending timers; each re-arms and burns ~3M loop
    // iterations (milliseconds), so one event takes far longer than the
    // watchdog's 150 ms while no single callback comes near it.
    const timerHog = spec(wat(strategyWat({
      imports: `(import "ringfence" "set_timer" (func $timer (param i32 i32) (result i32)))`,
      callbacks: {
        rf_start: "(local $i i32) (loop $l (drop (call $timer (i32.const 0) (local.get $i))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 64))))",
        rf_on_timer: "(local $n i32) (drop (call $timer (i32.const 0) (i32.const 0))) (loop $l (local.set $n (i32.add (local.get $n) (i32.const 1))) (br_if $l (i32.lt_u (local.get $n) (i32.const 3000000))))",
      },
    })), { label: "timer-hog", sandbox: { fuelPerCallback: 100_000_000, fuelPerEvent: 0x7fffffff } });
    const recording = synthetic(12, 6, 1);
    const specs = [exampleSpec("momentum"), timerHog];
    const bt = runBacktest({ recording, strategies: specs }).report;
    expect(bt.strategies[1].callbacks).toBeGreaterThan(64 * 10);
    const live = await runLive({
      recording, strategies: specs, workers: 1, wait: "hybrid", policy: RingPolicy.Lossless,
      durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"), watchdogMs: 150,
    });
    expect(live.strategies.map((s) => s.liveFault)).toEqual([null, null]);
    expect(live.strategies.map(pick)).toEqual(bt.strategies.map(pick));
  });

  it("a strategy that spins for a huge fuel budget is stopped by the wall-clock watchdog; its neighbour worker carries on", async () => {
    const recording = synthetic(20_000, 5, 2);
    const spinner = spec(wat(strategyWat({ callbacks: { rf_on_market: "(loop $l (br $l))" } })), {
      label: "spinner", sandbox: { fuelPerCallback: 0x7fffffff },
    });
    const specs = [exampleSpec("momentum"), spinner];
    const bt = runBacktest({ recording, strategies: [specs[0]] }).report;
    const live = await runLive({
      recording, strategies: specs, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless,
      durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"), watchdogMs: 300,
    });
    expect(live.strategies[1].liveFault).toMatch(/^watchdog: worker 1 heartbeat frozen/);
    expect(live.strategies[0].liveFault).toBeNull();
    expect(pick(live.strategies[0])).toEqual(pick(bt.strategies[0]));
  });
});
