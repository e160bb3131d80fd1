/**
 * `ringfence instrument` and `ringfence bench fuel|admission`, run through the
 * built CLI. (They live here, next to the code they drive, rather than in
 * test/unit/cli/.) No timing assertions: only shapes and exit codes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METER_GLOBAL, METER_INIT_EXPORT } from "../../../host/metering/meterAbi.ts";
import { minimalStrategyWat, strategyWat, wat } from "../../fixtures/wat.ts";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rf-instrument-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]): CliResult {
  const r = runCli(args);
  expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
  return r;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("ringfence instrument", () => {
  it("writes the metered module of an admitted strategy", () => {
    const input = write("start.wasm", wat(strategyWat({ extra: `(global $g (mut i32) (i32.const 0)) (func $init (global.set $g (i32.const 1))) (start $init)` })));
    const output = join(dir, "start.metered.wasm");
    const r = cli("instrument", input, "-o", output, "--max-memory-pages", "8");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^.*start\.wasm: admitted [0-9a-f]{64}, metered \d+ -> \d+ bytes, written to .*start\.metered\.wasm\n$/);
    const module = new WebAssembly.Module(new Uint8Array(readFileSync(output)));
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining([...Object.values(METER_GLOBAL), METER_INIT_EXPORT, "memory", "rf_on_market"]));
  });

  it("refuses a module admission rejects: exit 1, one line, nothing written", () => {
    const input = write("bad.wasm", wat(strategyWat({ abiVersion: "(i32.const 1)", omitExports: ["rf_on_market"] })));
    const output = join(dir, "bad.metered.wasm");
    const r = cli("instrument", input, "-o", output);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ringfence: instrument: '.*bad\.wasm' rejected by admission: [a-z_]+: [^\n]+\n$/);
    expect(existsSync(output)).toBe(false);
  });

  it("reports a missing input file in one line with exit 1", () => {
    const r = cli("instrument", join(dir, "nope.wasm"), "-o", join(dir, "out.wasm"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ringfence: module '.*nope\.wasm' does not exist\n$/);
  });

  it("exits 2 on usage errors", () => {
    const input = write("ok.wasm", wat(minimalStrategyWat));
    expect(cli("instrument", input).code).toBe(2);
    expect(cli("instrument", "-o", join(dir, "x.wasm")).code).toBe(2);
    const r = cli("instrument", input, "-o", join(dir, "x.wasm"), "--stack-budget", "zero");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--stack-budget must be an integer/);
  });
});

describe("ringfence bench", () => {
  it("exits 2 for a missing or unknown benchmark, naming the known ones", () => {
    const r = cli("bench", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown benchmark 'nope'; expected one of: fuel .*admission/);
    expect(cli("bench").code).toBe(2);
  });

  it("bench admission --json prints moduleBytes, msWarm, msCold, cpuMsWarm", () => {
    const r = cli("bench", "admission", "--json", "--rounds", "1");
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result)).toEqual(["moduleBytes", "msWarm", "msCold", "cpuMsWarm"]);
    expect(result.moduleBytes).toBeGreaterThan(90_000);
  });

  it("bench fuel --json prints every kernel's ratio and the summary ratios", () => {
    const r = cli("bench", "fuel", "--json", "--rounds", "1");
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result)).toEqual(["kernels", "worstRatio", "geomeanRatio"]);
    expect(result.kernels.map((k: { name: string }) => k.name)).toEqual(["tight_loop", "multiply_chain", "memory_ema", "fib_recursion"]);
    for (const k of result.kernels) {
      expect(Object.keys(k)).toEqual(["name", "ratio", "meteredNs", "plainNs"]);
      expect(k.ratio).toBeGreaterThan(0);
    }
    expect(result.worstRatio).toBe(Math.max(...result.kernels.map((k: { ratio: number }) => k.ratio)));
  });
});
