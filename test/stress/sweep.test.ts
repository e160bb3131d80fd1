// Sweeps on the piscina pool: every grid point's result equals a single
// backtest of that point, and the ranking is total and deterministic.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../host/backtest/backtest.ts";
import { RecordingError, readRecordingFile } from "../../host/feed/recording.ts";
import { riskLimits } from "../../host/risk/riskLimits.ts";
import { sandboxLimits } from "../../host/sandbox/limits.ts";
import { prepareModule } from "../../host/sandbox/preparedModule.ts";
import { parseGrid } from "../../host/sweep/grid.ts";
import { runSweep } from "../../host/sweep/sweep.ts";
import { runCli } from "../support/cli.ts";
import { distPath } from "../support/dist.ts";

let data: string;
beforeAll(() => {
  data = join(mkdtempSync(join(tmpdir(), "rf-sweep-")), "feed.rfr");
  expect(runCli(["record", "synthetic", "--seed", "13", "--events", "20000", "--instruments", "2", "-o", data]).code).toBe(0);
});

describe("sweep", () => {
  it("each grid point equals a single backtest of that point", async () => {
    const module = new Uint8Array(readFileSync(distPath("strategies/momentum.wasm")));
    const grid = parseGrid(["fast_period=4,8", "slow_period=16,32,64"]);
    const risk = riskLimits();
    const sandbox = sandboxLimits();
    const result = await runSweep({ dataPath: data, label: "momentum", module, grid, risk, sandbox, workerScript: distPath("sweep.worker.mjs"), threads: 2 });
    expect(result.points).toBe(6);
    expect(result.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const recording = readRecordingFile(data);
    const prepared = prepareModule(module, sandbox, "momentum");
    for (const row of result.rows) {
      const solo = runBacktest({ recording, strategies: [{ label: "momentum", prepared, params: new Map(Object.entries(row.params)), risk, sandbox }] }).report.strategies[0];
      expect({ pnl: row.pnl, fills: row.fills, orders: row.orders, auditHash: row.auditHash }).toEqual({ pnl: solo.pnl, fills: solo.fills, orders: solo.orders, auditHash: solo.auditHash });
    }
    for (let i = 1; i < result.rows.length; i++) expect(result.rows[i - 1].pnl).toBeGreaterThanOrEqual(result.rows[i].pnl);
    expect(new Set(result.rows.map((r) => r.auditHash)).size).toBeGreaterThan(1);
  });

  it("the CLI prints a ranked table, --json twice is identical, and bad grids are usage errors", () => {
    const args = ["sweep", "--strategy", distPath("strategies/mean-reversion.wasm"), "--data", data, "--param", "window=16,64", "--json"];
    const a = runCli(args);
    expect(a.code).toBe(0);
    expect(runCli(args).stdout).toBe(a.stdout);
    expect(JSON.parse(a.stdout).rows).toHaveLength(2);
    const t = runCli(args.slice(0, -1));
    expect(t.stdout).toMatch(/^rank\s+window\s+pnl\s+sharpe\s+maxDD/m);
    const html = join(data, "..", "sweep.html");
    const h = runCli([...args.slice(0, -1), "--html", html]);
    expect(h.code).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page.match(/data-chart="equity"/g)).toHaveLength(2);
    expect(page).toMatch(/#1 mean-reversion\.wasm window=(16|64)/);
    expect(page).not.toMatch(/<script/i);
    const bad = runCli(["sweep", "--strategy", distPath("strategies/momentum.wasm"), "--data", data, "--param", "x=1.5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--param expects name=v1,v2/);
  });

  it("a recording damaged after the sweep checked it is the reader's one line (a RecordingError), not a worker crash", async () => {
    // Each point streams the file in its worker: damage it past the header, as if it changed after the CLI's check.
    const bytes = readFileSync(data);
    const damaged = join(data, "..", "damaged.rfr");
    bytes[bytes.length - 1000] ^= 0x04;
    writeFileSync(damaged, bytes);
    const module = new Uint8Array(readFileSync(distPath("strategies/momentum.wasm")));
    const run = runSweep({
      dataPath: damaged, label: "momentum", module, grid: parseGrid(["fast_period=4,8"]), risk: riskLimits(), sandbox: sandboxLimits(),
      workerScript: distPath("sweep.worker.mjs"), threads: 2,
    });
    await expect(run).rejects.toBeInstanceOf(RecordingError);
    await expect(run).rejects.toThrow(/damaged\.rfr: block \d+ at byte \d+ fails its checksum/);
    const cli = runCli(["sweep", "--strategy", distPath("strategies/momentum.wasm"), "--data", damaged, "--param", "fast_period=4,8"]);
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toMatch(/^ringfence: .*damaged\.rfr: block \d+ at byte \d+ fails its checksum/);
  });
});
