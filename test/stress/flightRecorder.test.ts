// The flight recorder: a live session (any wait mode, gaps included) replays
// to the same calls, arguments, fuel per event and audit hash; a session
// that does not match is caught and the first divergence named.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLive } from "../../host/live/liveRun.ts";
import { replaySession } from "../../host/replay/replay.ts";
import { readSession, writeSession } from "../../host/replay/session.ts";
import { RingPolicy } from "../../host/ring/broadcastLayout.ts";
import type { WaitMode } from "../../host/ring/wait/index.ts";
import { spec, synthetic } from "../support/backtestHarness.ts";
import { distPath } from "../support/dist.ts";
import { runCli } from "../support/cli.ts";

const example = (name: string) => spec(new Uint8Array(readFileSync(distPath(`strategies/${name}.wasm`))), { label: name });

async function record(wait: WaitMode, policy: RingPolicy, ratePerSec: number, dir: string, ringCapacity = 4096) {
  const recording = synthetic(40_000, 21, 2);
  const strategies = ["market-maker", "momentum", "mean-reversion"].map(example);
  const report = await runLive({
    recording, strategies, workers: 2, wait, policy, durationMs: 0, ratePerSec, ringCapacity,
    workerScript: distPath("strategyWorker.worker.mjs"), record: true,
  });
  writeSession(dir, { recording, strategies, capture: report.capture!, config: { wait, workers: 2, policy: policy === RingPolicy.Live ? "live" : "lossless", ratePerSec } });
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

  it("a module swapped in the session is refused (its hash no longer matches its code id)", async () => {
    const dir = join(root, "swapped");
    await record("hybrid", RingPolicy.Lossless, 0, dir);
    const meta = JSON.parse(readFileSync(join(dir, "session.json"), "utf8"));
    const path = join(dir, "modules", `${meta.strategies[0].codeId}.wasm`);
    writeFileSync(path, readFileSync(distPath("strategies/momentum.wasm")));
    const r = runCli(["replay", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not hash to its code id/);
  });

  it("bad session paths are one clear line, exit 1", () => {
    const r = runCli(["replay", join(root, "nope")]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^ringfence: session '.*nope' does not exist$/);
  });
});
