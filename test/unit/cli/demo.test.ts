// `ringfence demo`, what `npm start` runs, kept small: the paper run through
// the rings makes the in-process backtest's decisions on the same synthetic
// feed (when the live ring lost nothing), the human output names every
// example strategy, and a bad flag is one line with exit 2.
import { describe, expect, it } from "vitest";
import { SCHEDULER_TAIL_NS, schedulerTailHint } from "../../../host/cli/commands/demo.ts";
import { hasStackTrace, runCli } from "../../support/cli.ts";

const EXAMPLES = ["market-maker", "mean-reversion", "momentum"];
const COMPARED = ["module", "codeId", "orders", "fills", "rejects", "cancels", "position", "pnl", "fuelUsed", "auditHash"] as const;

function pick(s: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COMPARED.map((k) => [k, s[k]]));
}

describe("ringfence demo", () => {
  it("--json: the paper run through the rings decides what the in-process backtest decides", () => {
    // 10 000 ev/s: the worker would have to stall ~0.4 s to be lapped by the 4096-slot live ring.
    const args = ["demo", "--events", "10000", "--seed", "7", "--json"];
    const live = runCli([...args, "--rate", "10000"], { timeoutMs: 120_000 });
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    const paper = JSON.parse(live.stdout);
    const bt = runCli([...args, "--in-process"]);
    expect(bt.code).toBe(0);
    const backtest = JSON.parse(bt.stdout);
    expect(paper.telemetry.gapRecords).toBe(0);
    expect(paper.events).toBe(10_000);
    expect(paper.strategies.map((s: { module: string }) => s.module).sort()).toEqual(EXAMPLES);
    expect(paper.strategies.map(pick)).toEqual(backtest.strategies.map(pick));
    expect(paper.auditHash).toBe(backtest.auditHash);
    expect(backtest.strategies.some((s: { orders: number }) => s.orders > 0)).toBe(true);
    expect(paper.telemetry.tickToOrder.samples).toBeGreaterThan(0);
  }, 180_000);

  it("prints the summary with every example strategy and the tick-to-order line", () => {
    const r = runCli(["demo", "--events", "5000", "--rate", "20000"], { timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ringfence demo: 5000 synthetic events \(seed 42, 3 instruments\) at 20000 ev\/s/);
    for (const label of EXAMPLES) expect(r.stdout).toMatch(new RegExp(`^${label}\\s`, "m"));
    expect(r.stdout).toMatch(/^tick→order p50 [\d.]+ µs, p99 [\d.]+ µs over \d+ orders; ring lag max \d+, gaps \d+/m);
  }, 180_000);

  it.each([[["--events", "0"], /--events/], [["--rate", "fast"], /--rate/], [["--bogus"], /bogus/]])("%j is a usage error on one line", (args, pattern) => {
    const r = runCli(["demo", ...args]);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  });

  it("explains a millisecond p99 only when the spinning threads leave no core spare", () => {
    expect(schedulerTailHint(15_000_000, 2, 2)).toMatch(/^a p99 past 100 µs with 2 spinning threads on 2 cores: .*Paper-run tails/);
    expect(schedulerTailHint(15_000_000, 3, 2)).not.toBeNull();
    expect(schedulerTailHint(15_000_000, 2, 3)).toBeNull(); // a core for the helpers: the tail is something else
    expect(schedulerTailHint(SCHEDULER_TAIL_NS, 2, 2)).toBeNull(); // microseconds: the path's own range
    expect(schedulerTailHint(2_500, 2, 2)).toBeNull();
  });
});
