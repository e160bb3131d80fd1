// The flight recorder: a live session (any wait mode, gaps included) replays
// to the same calls, arguments, fuel per event and audit hash; a session
// that does not match is caught and the first divergence named.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runLive } from "../../host/live/liveRun.ts";
import { replaySession } from "../../host/replay/replay.ts";
import { KillSwitchState } from "../../host/abi/codes.ts";
import { readSession, sessionCaptureDir, writeSession } from "../../host/replay/session.ts";
import { RingPolicy } from "../../host/ring/broadcastLayout.ts";
import type { WaitMode } from "../../host/ring/wait/index.ts";
import { exampleSpec, spec, synthetic } from "../support/backtestHarness.ts";
import { strategyWat, wat } from "../fixtures/wat.ts";
import { AUDIT_BLOCK_ENTRIES } from "../../host/audit/auditFormat.ts";
import { distPath } from "../support/dist.ts";
import { runCli } from "../support/cli.ts";
import { prng, randInt, testSeed } from "../support/seed.ts";
import { reseal } from "../support/session.ts";

async function record(wait: WaitMode, policy: RingPolicy, ratePerSec: number, dir: string, ringCapacity = 4096) {
  const recording = synthetic(40_000, 21, 2);
  const strategies = ["market-maker", "momentum", "mean-reversion"].map(exampleSpec);
  const report = await runLive({
    recording, strategies, workers: 2, wait, policy, durationMs: 0, ratePerSec, ringCapacity,
    workerScript: distPath("strategyWorker.worker.mjs"), record: true, captureDir: sessionCaptureDir(dir),
  });
  writeSession(dir, { recording, strategies, capture: report.capture!, config: { wait, workers: 2, policy: policy === RingPolicy.Live ? "live" : "lossless", ratePerSec } });
  return report;
}

/** Records a session in which worker 0 (market-maker, mean-reversion) is terminated at `killAt`. */
async function recordWithRestart(dir: string, policy: RingPolicy, restart: "none" | "fresh", killAt: number, reduceFirst = false) {
  const recording = synthetic(60_000, 21, 2);
  const strategies = ["market-maker", "momentum", "mean-reversion"].map(exampleSpec);
  const ratePerSec = 20_000;
  const report = await runLive({
    recording, strategies, workers: 2, wait: "hybrid", policy, durationMs: 0, ratePerSec,
    workerScript: distPath("strategyWorker.worker.mjs"), record: true, captureDir: sessionCaptureDir(dir),
    restart: { policy: restart, maxRestarts: 1, backoffMs: 20 },
    onEvent: {
      atEvent: killAt,
      run: (s) => {
        if (reduceFirst) s.setKillSwitch(0, KillSwitchState.Reducing);
        void s.workerThread(0).terminate();
      },
    },
  });
  const config = { wait: "hybrid", workers: 2, policy: policy === RingPolicy.Live ? "live" : "lossless", ratePerSec, restart: { policy: restart, maxRestarts: 1, backoffMs: 20 } };
  writeSession(dir, { recording, strategies, capture: report.capture!, config });
  return report;
}

describe("flight recorder and replay", () => {
  const root = mkdtempSync(join(tmpdir(), "rf-session-"));

  it.each(["spin", "hybrid", "block"] as const)("a live session recorded with --wait %s replays exactly", async (wait) => {
    const dir = join(root, `live-${wait}`);
    // A small ring and a brisk rate make gaps likely: replay must follow them.
    const report = await record(wait, RingPolicy.Live, 400_000, dir, 256);
    const result = replaySession(readSession(dir));
    expect(result.strategies.map((s) => [s.label, s.ok, s.divergence])).toEqual(report.strategies.map((s) => [s.module, true, undefined]));
    expect(result.strategies.every((s) => s.calls > 0)).toBe(true);
  });

  it("a lossless session replays exactly and the CLI says so (exit 0)", async () => {
    const dir = join(root, "lossless");
    await record("hybrid", RingPolicy.Lossless, 0, dir);
    const r = runCli(["replay", dir, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  it("a changed parameter makes replay diverge; the CLI names strategy, event and the two calls (exit 1)", async () => {
    const dir = join(root, "tampered");
    await record("hybrid", RingPolicy.Lossless, 0, dir);
    const metaPath = join(dir, "session.json");
    const meta = JSON.parse(readFileSync(metaPath, "utf8"));
    meta.strategies[1].params = { qty_lots: 7 };
    writeFileSync(metaPath, JSON.stringify(meta));
    reseal(dir);
    const result = replaySession(readSession(dir));
    expect(result.ok).toBe(false);
    const bad = result.strategies[1];
    expect(bad.ok).toBe(false);
    expect(bad.divergence!.what).toBe("call");
    expect(result.strategies[0].ok && result.strategies[2].ok).toBe(true);
    const r = runCli(["replay", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ringfence: replay diverged: strategy 1 \(momentum\) at event -?\d+: expected .+, got .+$/m);
  });

  it("a version 1 session (written before restarts: one capture per worker, no host chain) still replays", async () => {
    const dir = join(root, "v1");
    await record("hybrid", RingPolicy.Lossless, 0, dir);
    const meta = JSON.parse(readFileSync(join(dir, "session.json"), "utf8"));
    expect(meta.version).toBe(3);
    meta.version = 1;
    meta.workers = meta.instances.map((x: { worker: number; ranges: number[]; kills: number[]; stopAt: number }) => ({ worker: x.worker, ranges: x.ranges, kills: x.kills, stopAt: x.stopAt }));
    delete meta.instances;
    writeFileSync(join(dir, "session.json"), JSON.stringify(meta));
    // Version 1 sessions were written before seals and the host chain.
    rmSync(join(dir, "host.audit"));
    rmSync(join(dir, "SHA256SUMS"));
    const session = readSession(dir);
    expect(session.hostAudit).toBeNull();
    const result = replaySession(session);
    expect(result).toMatchObject({ ok: true, complete: true });
    expect(result.strategies.every((s) => s.calls > 0 && s.instances.length === 1)).toBe(true);
    expect(runCli(["replay", dir]).code).toBe(0);
  });

  it("malformed instance records are one clear line, exit 1", async () => {
    const dir = join(root, "bad-instance");
    await record("hybrid", RingPolicy.Lossless, 0, dir);
    const meta = JSON.parse(readFileSync(join(dir, "session.json"), "utf8"));
    meta.instances[1] = { ...meta.instances[0] };
    writeFileSync(join(dir, "session.json"), JSON.stringify(meta));
    reseal(dir);
    const r = runCli(["replay", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^ringfence: session '.*bad-instance': instance 1 in session.json is malformed: worker 0 instance 0 appears twice$/);
  });

  it("a module swapped in the session is refused (its hash no longer matches its code id)", async () => {
    const dir = join(root, "swapped");
    await record("hybrid", RingPolicy.Lossless, 0, dir);
    const meta = JSON.parse(readFileSync(join(dir, "session.json"), "utf8"));
    const path = join(dir, "modules", `${meta.strategies[0].codeId}.wasm`);
    writeFileSync(path, readFileSync(distPath("strategies/momentum.wasm")));
    reseal(dir);
    const r = runCli(["replay", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not hash to its code id/);
  });

  describe("with a worker that died mid-session", () => {
    const seed = testSeed("flightRecorder.restart");
    const killAt = randInt(prng(seed), 6_000, 15_000);
    const sessions = new Map<string, Promise<Awaited<ReturnType<typeof recordWithRestart>>>>();
    const recorded = (policy: RingPolicy, restart: "none" | "fresh") => {
      const dir = join(root, `restart-${policy}-${restart}`);
      if (!sessions.has(dir)) sessions.set(dir, recordWithRestart(dir, policy, restart, killAt));
      return sessions.get(dir)!.then((report) => ({ dir, report }));
    };

    it.each([["lossless", RingPolicy.Lossless], ["live", RingPolicy.Live]] as const)(
      "%s, restart fresh: every instance replays — the fresh one in full from its start event, the dead original up to its death",
      async (_name, policy) => {
        const { dir, report } = await recorded(policy, "fresh");
        const first = report.strategies[0].restartHistory[0].firstEvent;
        expect(report.strategies[0].restarts).toBe(1);
        expect(first).toBeGreaterThanOrEqual(killAt);
        const result = replaySession(readSession(dir));
        expect(result.strategies.map((s) => [s.label, s.ok, s.divergence])).toEqual(report.strategies.map((s) => [s.module, true, undefined]));
        expect(result.ok).toBe(true);
        expect(result.complete).toBe(false);
        for (const i of [0, 2]) {
          const s = result.strategies[i];
          expect(s.complete).toBe(false);
          expect(s.instances.map((x) => [x.instance, x.coverage, x.ok])).toEqual([[0, "host-orders", true], [1, "full", true]]);
          expect(s.instances[0].startAt).toBe(0);
          expect(s.instances[1].startAt).toBe(first);
          expect(s.instances[1].calls).toBeGreaterThan(0);
          expect(s.instances[1].auditHash).toBe(report.strategies[i].auditHash);
          expect(s.instances[0].note).toMatch(/^its worker died \(disconnect: worker 0 exited/);
        }
        // market-maker quotes from its first events: the host saw orders of the dead original, and they were checked.
        expect(result.strategies[0].instances[0].calls).toBeGreaterThan(0);
        expect(result.strategies[1]).toMatchObject({ ok: true, complete: true });
        const cli = runCli(["replay", dir]);
        expect(cli.code).toBe(0);
        expect(cli.stdout).toMatch(/^match \(partial\)  market-maker: .*2 instances \(restarted 1×\)$/m);
        expect(cli.stdout).toMatch(/^    restart 1 \(worker 0, from event \d+\): full$/m);
        expect(cli.stdout).toMatch(/^    original \(worker 0, from event 0\): host-orders — its worker died/m);
      },
    );

    it("restart none: the dead worker's strategies are checked up to their death, as far as the host saw them", async () => {
      const { dir, report } = await recorded(RingPolicy.Lossless, "none");
      expect(report.strategies[0].restarts).toBe(0);
      const result = replaySession(readSession(dir));
      expect(result.ok).toBe(true);
      expect(result.strategies[0].instances.map((x) => [x.instance, x.coverage])).toEqual([[0, "host-orders"]]);
      expect(result.strategies[1].complete).toBe(true);
    });

    it("a kill switch set just before the worker died: the dead instance cannot be checked (missing-capture); the fresh one inherits it and replays in full", async () => {
      const dir = join(root, "restart-kill");
      const report = await recordWithRestart(dir, RingPolicy.Lossless, "fresh", killAt, true);
      expect(report.strategies[0].restarts).toBe(1);
      const session = readSession(dir);
      const fresh = session.meta.instances.find((x) => x.worker === 0 && x.instance === 1)!;
      // The replacement applied the kill switch at its very first event.
      expect(fresh.kills).toEqual([fresh.ranges![0], 0, KillSwitchState.Reducing]);
      const result = replaySession(session);
      const mm = result.strategies[0];
      expect(mm.instances.map((x) => [x.instance, x.coverage, x.ok])).toEqual([[0, "none", false], [1, "full", true]]);
      expect(mm.divergence).toMatchObject({ what: "missing-capture", instance: 0 });
      expect(mm.divergence!.actual).toMatch(/kill switch changed while it ran/);
      // mean-reversion, on the same worker, had no kill switch change: checked as usual.
      expect(result.strategies[2].instances.map((x) => [x.coverage, x.ok])).toEqual([["host-orders", true], ["full", true]]);
      expect(result.ok).toBe(false);
      expect(runCli(["replay", dir]).code).toBe(1);
    });

    it("a tampered session fails, naming the instance and the divergence", async () => {
      const { dir } = await recorded(RingPolicy.Lossless, "fresh");
      // 1. The fresh instance's capture says it started later than it did.
      const moved = join(root, "restart-tampered-start");
      cpSync(dir, moved, { recursive: true });
      const meta = JSON.parse(readFileSync(join(moved, "session.json"), "utf8"));
      const restarted = meta.instances.find((x: { worker: number; instance: number }) => x.worker === 0 && x.instance === 1);
      restarted.ranges[0] += 100;
      restarted.ranges[1] -= 100;
      writeFileSync(join(moved, "session.json"), JSON.stringify(meta));
      reseal(moved);
      const result = replaySession(readSession(moved));
      expect(result.ok).toBe(false);
      const mm = result.strategies[0];
      expect(mm.instances.map((x) => [x.instance, x.ok])).toEqual([[0, true], [1, false]]);
      expect(mm.divergence).toMatchObject({ instance: 1 });
      const r = runCli(["replay", moved]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^ringfence: replay diverged: strategy 0 \(market-maker\), restart 1, at event -?\d+: expected .+, got .+$/m);

      // 2. A changed parameter: the dead original's orders no longer match what the host received.
      const param = join(root, "restart-tampered-param");
      cpSync(dir, param, { recursive: true });
      const meta2 = JSON.parse(readFileSync(join(param, "session.json"), "utf8"));
      meta2.strategies[0].params = { qty_lots: 3 };
      writeFileSync(join(param, "session.json"), JSON.stringify(meta2));
      reseal(param);
      const result2 = replaySession(readSession(param));
      const mm2 = result2.strategies[0];
      expect(mm2.ok).toBe(false);
      expect(mm2.instances[0]).toMatchObject({ coverage: "host-orders", ok: false });
      expect(mm2.divergence).toMatchObject({ what: "call", instance: 0 });
      expect(mm2.divergence!.expected).toMatch(/^order\(/);
      const r2 = runCli(["replay", param]);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toMatch(/^ringfence: replay diverged: strategy 0 \(market-maker\) at event -?\d+: expected order\(.+\) = -?\d+, got .+$/m);
    });

    it("a fresh instance's audit file that does not verify is one line naming it, exit 1 (not an internal error)", async () => {
      const { dir } = await recorded(RingPolicy.Lossless, "fresh");
      const broken = join(root, "restart-broken-audit");
      cpSync(dir, broken, { recursive: true });
      const path = join(broken, "strategies", "0.restart1.audit");
      const bytes = readFileSync(path);
      bytes[randInt(prng(seed + 1), 0, bytes.length - 1)] ^= 0x40;
      writeFileSync(path, bytes);
      reseal(broken);
      const r = runCli(["replay", broken]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(/^ringfence: session '.*restart-broken-audit': strategies\/0\.restart1\.audit: audit chain '.*' broken at .+$/);
      expect(r.stdout).toBe("");
    });
  });

  it("bad session paths are one clear line, exit 1", () => {
    const r = runCli(["replay", join(root, "nope")]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^ringfence: session '.*nope' does not exist$/);
  });
  it("a strategy that audits thousands of calls per event is streamed to its file: its worker holds a bounded number of blocks, and the session replays", async () => {
    const dir = join(root, "audit-heavy");
    const recording = synthetic(40_000, 5, 2);
    // 50 audited host calls per market event: ~2 M entries, ~31 000 sealed blocks.
    const heavy = spec(wat(strategyWat({
      imports: `(import "ringfence" "event_time" (func $t (param i32) (result i32)))`,
      callbacks: { rf_on_market: "(local $i i32) (loop $l (drop (call $t (i32.const 2048))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 50))))" },
    })), { label: "audit-heavy" });
    const strategies = [exampleSpec("momentum"), heavy];
    const report = await runLive({
      recording, strategies, workers: 1, wait: "hybrid", policy: RingPolicy.Lossless, durationMs: 0, ratePerSec: 0,
      workerScript: distPath("strategyWorker.worker.mjs"), record: true, captureDir: sessionCaptureDir(dir),
    });
    const captured = report.capture!.strategies.find((c) => c.index === 1)!;
    const blocks = Math.floor(report.strategies[1].auditEntries / AUDIT_BLOCK_ENTRIES);
    expect(blocks).toBeGreaterThan(20_000);
    // Drained past 256 blocks after a batch; a batch adds at most 64 events' worth (50 blocks).
    expect(captured.auditBlocksHeldMax).toBeLessThan(400);
    writeSession(dir, { recording, strategies, capture: report.capture!, config: { wait: "hybrid", workers: 1, policy: "lossless", ratePerSec: 0 } });
    expect(readdirSync(dirname(resolve(dir))).filter((f) => f.includes(".tmp-"))).toEqual([]);
    const result = replaySession(readSession(dir));
    expect(result.strategies.map((x) => [x.label, x.ok])).toEqual([["momentum", true], ["audit-heavy", true]]);
  });
  it("workers that cannot write their capture files fail with the reason in their disconnect line", async () => {
    const recording = synthetic(5_000, 5, 2);
    const strategies = ["momentum", "market-maker"].map(exampleSpec);
    const report = await runLive({
      recording, strategies, workers: 2, wait: "hybrid", policy: RingPolicy.Lossless, durationMs: 0, ratePerSec: 0,
      workerScript: distPath("strategyWorker.worker.mjs"), record: true, captureDir: join(root, "no", "such", "dir"),
    });
    for (const s of report.strategies) expect(s.liveFault).toMatch(/^disconnect: worker \d exited with code 0: ENOENT: no such file or directory, open '.*no\/such\/dir\/s\d\.i0\.audit'$/);
  });
});
