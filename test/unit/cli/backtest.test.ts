// `ringfence backtest` as a user runs it: deterministic JSON, audit file,
// and one clear line + the right exit code for every kind of bad input.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";

let dir: string;
let data: string;
const mm = () => distPath("strategies/market-maker.wasm");
const mom = () => distPath("strategies/momentum.wasm");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rf-backtest-"));
  data = join(dir, "feed.rfr");
  const r = runCli(["record", "synthetic", "--seed", "5", "--events", "20000", "--instruments", "2", "-o", data]);
  expect(r.code).toBe(0);
});

function expectOneLineError(r: { code: number; stderr: string }, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("ringfence backtest", () => {
  it("prints the same JSON twice, byte for byte, in the documented shape", () => {
    const args = ["backtest", "--data", data, "--strategy", mm(), "--strategy", mom(), "--json"];
    const a = runCli(args);
    const b = runCli(args);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const r = JSON.parse(a.stdout);
    expect(r.events).toBe(20000);
    expect(r.auditHash).toMatch(/^[0-9a-f]{64}$/);
    for (const s of r.strategies) {
      for (const k of ["module", "codeId", "orders", "fills", "rejects", "faults", "fuelUsed", "position", "pnl", "auditHash"]) expect(s).toHaveProperty(k);
      expect(s.codeId).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("--event-fuel caps what one event's callbacks spend together; --fuel alone scales it", () => {
    const spinner = join(dir, "spinner.wasm");
    writeFileSync(spinner, wat(strategyWat({ callbacks: { rf_on_market: "(loop $l (br $l))" } })));
    const fault = (...flags: string[]) => {
      const r = runCli(["backtest", "--data", data, "--strategy", spinner, ...flags, "--json"]);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).strategies[0].faults[0];
    };
    const capped = fault("--fuel", "200000", "--event-fuel", "5000");
    expect(capped.kind).toBe("out_of_fuel");
    expect(capped.fuelAtFault).toBeLessThanOrEqual(5000);
    expect(capped.message).toContain("budget of 5000");
    const scaled = fault("--fuel", "200000");
    expect(scaled.fuelAtFault).toBeGreaterThan(190_000);
    expect(scaled.message).not.toContain("the event's callbacks");
  });

  it("writes an audit file that `audit verify` accepts, and rejects once a byte is changed", async () => {
    const audit = join(dir, "audit.rfa");
    expect(runCli(["backtest", "--data", data, "--strategy", mm(), "--audit", audit]).code).toBe(0);
    expect(runCli(["audit", "verify", audit]).code).toBe(0);
    const bytes = readFileSync(audit);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(audit, bytes);
    const v = runCli(["audit", "verify", audit]);
    expect(v.code).toBe(1);
    expect(v.stderr + v.stdout).toMatch(/entry|broken|hash/i);
  });

  it("an audit file it cannot write: one line, exit 1, nothing under the name, and the report still printed", () => {
    const audit = join(dir, "no", "such", "audit.rfa");
    const r = runCli(["backtest", "--data", data, "--strategy", mm(), "--audit", audit, "--json"]);
    expectOneLineError(r, 1, /^ringfence: backtest: audit file .*audit\.rfa: cannot write: directory '.*no\/such' does not exist\n$/);
    expect(existsSync(audit)).toBe(false);
    const ok = runCli(["backtest", "--data", data, "--strategy", mm(), "--json"]);
    expect(r.stdout).toBe(ok.stdout);
  });

  it("refuses, before running, an output that would replace an input or the other output", () => {
    const copy = join(dir, "copy.rfr");
    writeFileSync(copy, readFileSync(data));
    const mod = join(dir, "copy.wasm");
    writeFileSync(mod, readFileSync(mm()));
    const out = join(dir, "out.rfa");
    for (const [args, pattern] of [
      [["--audit", copy], /--audit '.*copy\.rfr' is the --data recording/],
      [["--html", mod], /--html '.*copy\.wasm' is the --strategy module/],
      [["--audit", out, "--html", out], /--audit and --html name the same file/],
    ] as const) {
      expectOneLineError(runCli(["backtest", "--data", copy, "--strategy", mod, ...args]), 1, pattern);
    }
    expect(readFileSync(copy)).toEqual(readFileSync(data));
    expect(readFileSync(mod)).toEqual(readFileSync(mm()));
    expect(existsSync(out)).toBe(false);
    expectOneLineError(runCli(["instrument", mod, "-o", mod]), 1, /-o '.*copy\.wasm' is the input module/);
    expectOneLineError(runCli(["sweep", "--strategy", mod, "--data", copy, "--param", "fast_period=4", "--html", copy]), 1, /--html '.*copy\.rfr' is the --data recording/);
    expect(readFileSync(copy)).toEqual(readFileSync(data));
    expect(readFileSync(mod)).toEqual(readFileSync(mm()));
  });

  it("without --json prints a readable table", () => {
    const r = runCli(["backtest", "--data", data, "--strategy", mm()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^strategy\s+codeId\s+orders\s+fills/m);
  });

  it("a rejected module: one line naming the reasons, exit 1", () => {
    const bad = join(dir, "bad.wasm");
    writeFileSync(bad, wat(strategyWat({ imports: `(import "env" "seed" (func (result f64)))` })));
    expectOneLineError(runCli(["backtest", "--data", data, "--strategy", bad]), 1, /bad\.wasm: rejected by admission: .*import/);
  });

  it.each([
    ["missing data file", () => ["backtest", "--data", join(dir, "nope.rfr"), "--strategy", mm()], 1, /does not exist/],
    ["data is a directory", () => ["backtest", "--data", dir, "--strategy", mm()], 1, /directory/],
    ["garbage data", () => { const p = join(dir, "junk.rfr"); writeFileSync(p, "not a recording at all"); return ["backtest", "--data", p, "--strategy", mm()]; }, 1, /junk\.rfr/],
    ["missing strategy", () => ["backtest", "--data", data, "--strategy", join(dir, "none.wasm")], 1, /does not exist/],
    ["empty strategy", () => { const p = join(dir, "empty.wasm"); writeFileSync(p, ""); return ["backtest", "--data", data, "--strategy", p]; }, 1, /empty\.wasm/],
    ["no --data", () => ["backtest", "--strategy", mm()], 2, /--data/],
    ["no --strategy", () => ["backtest", "--data", data], 2, /--strategy/],
    ["bad --param", () => ["backtest", "--data", data, "--strategy", mm(), "--param", "x=1.5"], 2, /--param/],
    ["unknown --risk", () => ["backtest", "--data", data, "--strategy", mm(), "--risk", "nope=1"], 2, /--risk/],
    ["negative --fuel", () => ["backtest", "--data", data, "--strategy", mm(), "--fuel", "-3"], 2, /--fuel got a value starting with '-'; write it as --fuel=VALUE/],
    ["--fuel=-3", () => ["backtest", "--data", data, "--strategy", mm(), "--fuel=-3"], 2, /--fuel must be an integer >= 1, got '-3'/],
    ["--event-fuel=0", () => ["backtest", "--data", data, "--strategy", mm(), "--event-fuel=0"], 2, /--event-fuel must be an integer >= 1, got '0'/],
    ["--event-fuel x", () => ["backtest", "--data", data, "--strategy", mm(), "--event-fuel", "x"], 2, /--event-fuel must be an integer, got 'x'/],
    ["unknown flag", () => ["backtest", "--data", data, "--strategy", mm(), "--frobnicate"], 2, /frobnicate/],
  ])("%s: one clear line and the right exit code", (_name, args, code, pattern) => {
    expectOneLineError(runCli(args()), code as number, pattern as RegExp);
  });
});
