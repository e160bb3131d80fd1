// `ringfence run` restart flags as a user types them: every bad value is one
// clear line with exit 2 (checked before any module is loaded), and a run
// with --restart fresh reports restarts per strategy in --json.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli, runCliActing } from "../../support/cli.ts";
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

describe("ringfence run --record", () => {
  const dir = mkdtempSync(join(tmpdir(), "rf-cli-run-record-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "f.rfr"), "not a directory");

  it.each([
    ["f.rfr/sess", /^ringfence: run: --record '.*f\.rfr\/sess': '.*f\.rfr' is not a directory \(/],
    ["f.rfr/deeper/sess", /^ringfence: run: --record '.*f\.rfr\/deeper\/sess': '.*f\.rfr\/deeper' is not a directory \(/],
    ["no-such-dir/sess", /^ringfence: run: --record '.*no-such-dir\/sess': the directory '.*no-such-dir' does not exist$/],
  ])("--record %s is refused on one line with exit 1 before the run", (record, pattern) => {
    // The module path does not exist: the --record check must come before any work.
    const r = runCli(["run", "--strategy", "/nonexistent/strategy.wasm", "--events", "5000", "--json", "--record", join(dir, record)]);
    expect(r.code, r.stderr).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
    expect(r.stdout).toBe("");
    expect(readdirSync(dir)).toEqual(["f.rfr"]);
  });

  it("a session that cannot be written after the run is one input-error line, with the run's results still printed", async () => {
    const parent = join(dir, "vanishes");
    mkdirSync(parent);
    // Long enough to swap the directory for a file mid-run: the first view line comes after ~1 s of a 3 s run.
    const r = await runCliActing(["run", "--strategy", distPath("strategies/momentum.wasm"),
      "--events", "1000000", "--rate", "20000", "--duration", "3", "--record", join(parent, "sess")], "ringfence run", () => {
      rmSync(parent, { recursive: true, force: true });
      writeFileSync(parent, "now a file");
    });
    expect(r.stderr).toContain("ringfence run");
    expect(r.code, r.stderr).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr.trimEnd().split("\n").at(-1)).toMatch(/^ringfence: run: the run finished but session '.*vanishes\/sess' could not be written: ENOTDIR/);
    expect(r.stdout).toMatch(/^events \d+ in \d+ ms/);
  }, 60_000);
});
