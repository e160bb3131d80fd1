// Restart policy through real worker threads: a dead worker's strategies
// get fresh instances (after cancel-on-disconnect, audited as a restart)
// that trade exactly like a fresh start at their first event; a guest's own
// fault is never restarted; maxRestarts is honoured; other workers carry on;
// policy none leaves the slot down as before.
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../host/backtest/backtest.ts";
import { readAuditChains } from "../../host/audit/auditChains.ts";
import { encodeAuditFile } from "../../host/audit/auditFile.ts";
import type { DecodedAuditEntry } from "../../host/audit/auditEncoding.ts";
import { EVENT_RECORD_WORDS } from "../../host/abi/eventRecord.ts";
import type { Recording } from "../../host/feed/recording.ts";
import { runLive } from "../../host/live/liveRun.ts";
import { Supervisor } from "../../host/live/supervisor.ts";
import { RingPolicy } from "../../host/ring/broadcastLayout.ts";
import { restingBuyWat, strategyWat, wat } from "../fixtures/wat.ts";
import { exampleSpec, spec, synthetic } from "../support/backtestHarness.ts";
import { distPath } from "../support/dist.ts";
import { prng, randInt, testSeed } from "../support/seed.ts";

/** Runs out of fuel on its 2001st market event: a deterministic guest fault (quarantined, never restarted). */
const FAULTY = strategyWat({
  extra: `(global $n (mut i32) (i32.const 0))`,
  callbacks: { rf_on_market: `(global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.gt_u (global.get $n) (i32.const 2000)) (then (loop $l (br $l))))` },
});

/** What a fresh instance must share with a backtest started at the same event (not the audit hash: event indices differ). */
const FRESH = ["orders", "fills", "rejects", "cancels", "position", "pnl", "fuelUsed", "callbacks", "faults"] as const;
const COMPARED = [...FRESH, "auditHash"] as const;

function pick(s: object, keys: readonly string[] = COMPARED) {
  return Object.fromEntries(keys.map((k) => [k, (s as Record<string, unknown>)[k]]));
}

/** recording[from, to) as a recording of its own. */
function slice(r: Recording, from: number, to = r.count): Recording {
  return { header: r.header, events: r.events.subarray(from * EVENT_RECORD_WORDS, to * EVENT_RECORD_WORDS), count: to - from };
}

function hostEntries(sup: Supervisor): DecodedAuditEntry[] {
  return readAuditChains(encodeAuditFile([sup.audit]))[0].entries;
}

describe("restart policy", () => {
  it("fresh: a terminated worker is replaced; its strategies trade again as a fresh start, a faulted one stays quarantined, the other worker is unaffected", async () => {
    const seed = testSeed("restart.fresh");
    const killAt = randInt(prng(seed), 8_000, 20_000);
    const recording = synthetic(60_000, 4, 2);
    // worker 0: resting (0), faulty (2), market-maker (4); worker 1: momentum (1), mean-reversion (3)
    const resting = spec(wat(restingBuyWat), { label: "resting", risk: { priceCollarBps: 5000 } });
    const faulty = spec(wat(FAULTY), { label: "faulty", sandbox: { fuelPerCallback: 200_000 } });
    const specs = [resting, exampleSpec("momentum"), faulty, exampleSpec("mean-reversion"), exampleSpec("market-maker")];
    let sup: Supervisor | null = null;
    const live = await runLive({
      recording, strategies: specs, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless,
      // Paced so the feed is still running when the replacement starts; lossless, so it then misses nothing.
      durationMs: 0, ratePerSec: 20_000, workerScript: distPath("strategyWorker.worker.mjs"),
      keepAudit: true, // the test reads the host chain's entries
      restart: { policy: "fresh", maxRestarts: 2, backoffMs: 20 },
      onEvent: { atEvent: killAt, run: (s) => { sup = s; void s.workerThread(0).terminate(); } },
    });
    expect(live.events).toBe(60_000);
    const [rest, mom, flt, mr, mm] = live.strategies;

    // The other worker never noticed.
    const bt = runBacktest({ recording, strategies: specs }).report;
    for (const i of [1, 3]) {
      expect(pick(live.strategies[i])).toEqual(pick(bt.strategies[i]));
      expect(live.strategies[i]).toMatchObject({ restarts: 0, restartHistory: [], liveFault: null });
    }
    expect(mom.liveFault).toBeNull();
    expect(mr.orders).toBeGreaterThan(0);

    // The guest's own fault is quarantined and not restarted.
    expect(flt.liveFault).toMatch(/^out_of_fuel/);
    expect(flt.restarts).toBe(0);

    // resting and market-maker: one restart each, from the same first event, after what killed worker 0.
    for (const s of [rest, mm]) {
      expect(s.restarts).toBe(1);
      expect(s.liveFault).toBeNull();
      expect(s.restartHistory).toHaveLength(1);
      expect(s.restartHistory[0].restart).toBe(1);
      expect(s.restartHistory[0].cause).toMatch(/^disconnect: worker 0 exited with code/);
    }
    const first = rest.restartHistory[0].firstEvent;
    expect(mm.restartHistory[0].firstEvent).toBe(first);
    expect(first).toBeGreaterThanOrEqual(killAt);
    // A fresh instance is exactly a fresh start at its first event (lossless: it saw every event from there).
    const fresh = runBacktest({ recording: slice(recording, first), strategies: [resting, specs[4]] }).report;
    expect(pick(rest, FRESH)).toEqual(pick(fresh.strategies[0], FRESH));
    expect(pick(mm, FRESH)).toEqual(pick(fresh.strategies[1], FRESH));
    expect(rest.orders).toBe(1);
    expect(mm.orders).toBeGreaterThan(0);

    // The host chain: fault and cancel-on-disconnect for the dead instance, then the restart, then new orders.
    const entries = hostEntries(sup!);
    for (const s of [0, 4]) {
      const mine = entries.filter((e) => e.strategy === s);
      const fault = mine.findIndex((e) => e.call === "fault" && /^disconnect: worker 0 exited/.test(e.detail ?? ""));
      const restart = mine.findIndex((e) => e.call === "restart");
      expect(fault).toBeGreaterThanOrEqual(0);
      expect(restart).toBeGreaterThan(fault);
      expect(mine.filter((e) => e.call === "restart")).toHaveLength(1);
      expect(mine[restart].args.slice(0, 3)).toEqual([0, 1, first]);
      expect(mine[restart].eventIndex).toBe(first);
      expect(mine[restart].detail).toMatch(/^worker 0 restart 1\/2: fresh instances of strategies 0,4 from event \d+ /);
      expect(mine.slice(restart).some((e) => e.call === "order")).toBe(true);
      // Every cancel-on-disconnect of the dead instance comes before the restart.
      expect(mine.findLastIndex((e) => e.call === "cancel_on_disconnect")).toBeLessThan(restart);
    }
    // resting's one working order was cancelled on disconnect (it rested since the first quote).
    const cod = entries.filter((e) => e.call === "cancel_on_disconnect" && e.strategy === 0);
    expect(cod).toHaveLength(1);
    expect(rest.cancelledOnDisconnect).toBe(1);
    expect(entries.some((e) => e.call === "restart" && (e.strategy === 2 || e.strategy === 1 || e.strategy === 3))).toBe(false);
    expect(live.telemetry.restartGapRecords).toBe(entries.find((e) => e.call === "restart")!.args[3]);
  });

  it("fresh: a worker that wedges every time is replaced exactly maxRestarts times, then stays down; its neighbour carries on", async () => {
    const recording = synthetic(400_000, 5, 2);
    const spinner = spec(wat(strategyWat({ callbacks: { rf_on_market: "(loop $l (br $l))" } })), { label: "spinner", sandbox: { fuelPerCallback: 0x7fffffff } });
    const specs = [exampleSpec("momentum"), spinner];
    const maxRestarts = 2;
    const sup = new Supervisor({
      strategies: specs, instruments: recording.header.instruments, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless,
      ringCapacity: 1024, orderRingBytes: 1 << 20, totalEvents: recording.count, watchdogMs: 300, workerScript: distPath("strategyWorker.worker.mjs"),
      keepAudit: true, // the test reads the host chain's entries
      restart: { policy: "fresh", maxRestarts, backoffMs: 10 },
    });
    await sup.ready(10_000);
    const down = () => /not restarted: 2 of 2 restarts used$/.test(sup.telemetry.strategies[1].fault ?? "");
    // Feed slowly until the spinner's slot gives up (each replacement wedges on its first market event).
    let published = 0;
    const deadline = performance.now() + 50_000;
    while (!down() && published < recording.count && performance.now() < deadline) {
      published += sup.publish(recording.events, published * EVENT_RECORD_WORDS, Math.min(16, recording.count - published));
      sup.pump();
      sup.checkHealth();
      await new Promise((r) => setTimeout(r, 1));
    }
    const dones = await sup.stop();
    expect(down()).toBe(true);
    expect(sup.restartsOf(1)).toBe(maxRestarts);
    expect(sup.telemetry.strategies[1].restarts).toBe(maxRestarts);
    const entries = hostEntries(sup).filter((e) => e.strategy === 1);
    expect(entries.filter((e) => e.call === "restart").map((e) => e.args[1])).toEqual([1, 2]);
    expect(entries.filter((e) => e.call === "fault" && /^watchdog: worker 1 heartbeat frozen/.test(e.detail ?? ""))).toHaveLength(maxRestarts + 1);
    expect(entries.filter((e) => e.call === "restarts_exhausted")).toHaveLength(1);
    expect(entries.at(-1)!.call).toBe("restarts_exhausted");
    // The neighbour made exactly the decisions of a backtest over what was published.
    expect(dones.map((d) => d.workerId)).toEqual([0]);
    const bt = runBacktest({ recording: slice(recording, 0, published), strategies: [specs[0]] }).report;
    expect(pick(dones[0].reports[0])).toEqual(pick(bt.strategies[0]));
    expect(sup.telemetry.strategies[0]).toMatchObject({ fault: null, restarts: 0 });
  });

  it("lossless: the feed never waits on the dead reader; the replacement's reader is re-attached where it starts, and the feed waits for it again", async () => {
    const recording = synthetic(20_000, 6, 2);
    const specs = [exampleSpec("mean-reversion"), exampleSpec("momentum")];
    const capacity = 256;
    const sup = new Supervisor({
      strategies: specs, instruments: recording.header.instruments, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless,
      ringCapacity: capacity, orderRingBytes: 1 << 20, totalEvents: recording.count, watchdogMs: 10_000, workerScript: distPath("strategyWorker.worker.mjs"),
      keepAudit: true, // the test reads the host chain's entries
      restart: { policy: "fresh", maxRestarts: 1, backoffMs: 200 },
    });
    await sup.ready(10_000);
    let published = 0;
    const deadline = performance.now() + 50_000;
    const step = async () => {
      expect(performance.now()).toBeLessThan(deadline);
      published += sup.publish(recording.events, published * EVENT_RECORD_WORDS, Math.min(16, recording.count - published));
      sup.pump();
      sup.checkHealth();
      await new Promise((r) => setTimeout(r, 1));
    };
    while (published < 2_000) await step();
    const atDeath = published;
    void sup.workerThread(0).terminate();
    while (sup.restartsOf(0) === 0) await step();
    // Down for the whole backoff, yet the feed went on, more than a lap past the dead reader.
    expect(published - atDeath).toBeGreaterThan(capacity);
    // Re-attached exactly where the feed is (the restart happens after this step's publish).
    const restartedAt = published;
    expect(sup.publisher.lag(0)).toBe(0);
    while (published < recording.count) {
      await step();
      // Attached again: the publisher never gets more than a lap ahead of the replacement.
      expect(sup.publisher.lag(0)).toBeLessThanOrEqual(capacity);
    }
    const dones = await sup.stop();
    const first = sup.telemetry.strategies[0].restartHistory[0].firstEvent;
    // Lossless: the fresh instance starts where its reader was re-attached, and misses nothing after.
    expect(first).toBe(restartedAt);
    const replacement = dones.find((d) => d.workerId === 0)!;
    expect(replacement.instance).toBe(1);
    const fresh = runBacktest({ recording: slice(recording, first), strategies: [specs[0]] }).report;
    expect(pick(replacement.reports[0], FRESH)).toEqual(pick(fresh.strategies[0], FRESH));
    expect(replacement.reports[0].orders).toBeGreaterThan(0);
  });

  it("none (the default, or said explicitly): a terminated worker's strategies stay down, as before", async () => {
    const recording = synthetic(30_000, 4, 2);
    const resting = spec(wat(restingBuyWat), { label: "resting", risk: { priceCollarBps: 5000 } });
    const specs = [resting, exampleSpec("momentum"), exampleSpec("mean-reversion")];
    let sup: Supervisor | null = null;
    const live = await runLive({
      recording, strategies: specs, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless,
      durationMs: 0, ratePerSec: 0, workerScript: distPath("strategyWorker.worker.mjs"),
      keepAudit: true, // the test reads the host chain's entries
      restart: { policy: "none", maxRestarts: 5, backoffMs: 0 },
      onEvent: { atEvent: 10_000, run: (s) => { sup = s; void s.workerThread(0).terminate(); } },
    });
    const [rest, mom, mr] = live.strategies;
    for (const s of [rest, mr]) expect(s).toMatchObject({ restarts: 0, restartHistory: [], liveFault: expect.stringMatching(/^disconnect: worker 0 exited/) });
    expect(rest.cancelledOnDisconnect).toBe(1);
    expect(mom.liveFault).toBeNull();
    expect(hostEntries(sup!).some((e) => e.call === "restart" || e.call === "restarts_exhausted")).toBe(false);
    expect(sup!.restartsOf(0)).toBe(0);
    expect(live.telemetry.restartGapRecords).toBe(0);
  });
});
