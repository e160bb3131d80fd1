// `ringfence run` restart flags as a user types them: every bad value is one
// clear line with exit 2 (checked before any module is loaded), and a run
// with --restart fresh reports restarts per strategy in --json.
import { describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";

function expectUsage(args: string[], pattern: RegExp): void {
  // The module path does not exist: flag errors must come first.
  const r = runCli(["run", "--strategy", "/nonexistent/strategy.wasm", ...args]);
  expect(r.code).toBe(2);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(pattern);
}

describe("ringfence run --restart", () => {
  it.each([
    [["--restart", "always"], /^ringfence: run: --restart must be one of none\|fresh, got 'always'$/],
    [["--max-restarts", "2"], /^ringfence: run: --max-restarts only applies with --restart fresh$/],
    [["--restart", "none", "--restart-backoff-ms", "10"], /^ringfence: run: --restart-backoff-ms only applies with --restart fresh$/],
    [["--restart", "fresh", "--max-restarts", "two"], /^ringfence: run: --max-restarts must be an integer, got 'two'$/],
    [["--restart", "fresh", "--max-restarts=-1"], /^ringfence: run: --max-restarts must be an integer >= 0, got '-1'$/],
    [["--restart", "fresh", "--max-restarts", "5000"], /^ringfence: run: --max-restarts must be in 0\.\.1000, got '5000'$/],
    [["--restart", "fresh", "--restart-backoff-ms", "9999999"], /^ringfence: run: --restart-backoff-ms must be in 0\.\.3600000, got '9999999'$/],
    [["--restart", "fresh", "--max-restarts", "-1"], /^ringfence: run: --max-restarts got a value starting with '-'; write it as --max-restarts=VALUE$/],
  ])("%j is a usage error on one line", (args, pattern) => expectUsage(args, pattern));

  it("--restart fresh runs and --json shows restarts per strategy", () => {
    const r = runCli(["run", "--strategy", distPath("strategies/momentum.wasm"), "--events", "5000", "--rate", "0", "--lossless",
      "--restart", "fresh", "--max-restarts", "2", "--restart-backoff-ms", "50", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.events).toBe(5000);
    expect(report.strategies[0]).toMatchObject({ restarts: 0, restartHistory: [], liveFault: null });
    expect(report.telemetry.restartGapRecords).toBe(0);
  });
});
