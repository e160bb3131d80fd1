/**
 * The service's limits are checked once, at start-up: a bad compile limit
 * is a one-line RangeError naming the field before anything is opened, and
 * `ringfence serve` turns it into one line and exit 1 — never a service that
 * answers every upload with the compiler's RangeError.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_COMPILE_LIMITS } from "../../../host/service/compile/compileRunner.ts";
import { DEFAULT_SERVICE_CONFIG, serviceConfig, type ServiceConfigOverrides } from "../../../host/service/serviceConfig.ts";

// `ringfence serve` takes no limits on its command line: the test hands it a
// bad one through the config module, as a future flag or file would.
const bad = vi.hoisted(() => ({ compile: undefined as Record<string, unknown> | undefined }));
vi.mock("../../../host/service/serviceConfig.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../host/service/serviceConfig.ts")>();
  return { ...real, serviceConfig: (o: ServiceConfigOverrides = {}) => real.serviceConfig(bad.compile ? { ...o, compile: bad.compile } : o) };
});

const tmp = mkdtempSync(join(tmpdir(), "rf-service-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BAD_COMPILE: [string, unknown, string][] = [
  ["maxCompilerMemoryMb", 0, "a positive integer, got 0"],
  ["maxCompilerMemoryMb", -1, "a positive integer, got -1"],
  ["maxCompilerMemoryMb", 1.5, "a positive integer, got 1.5"],
  ["maxCompilerMemoryMb", Number.NaN, "a positive integer, got NaN"],
  ["timeoutMs", 0, "an integer in 1..2147483647, got 0"],
  ["timeoutMs", 2 ** 31, "an integer in 1..2147483647, got 2147483648"],
  ["maxHeapMb", 0, "a positive integer, got 0"],
  ["concurrency", 0, "a positive integer, got 0"],
  ["concurrency", Infinity, "a positive integer, got Infinity"],
  ["maxQueued", -1, "an integer >= 0, got -1"],
  ["maxQueued", "8", "an integer >= 0, got 8"],
];

describe("serviceConfig compile limits", () => {
  it("refuses each bad compile limit with one line naming it", () => {
    for (const [field, value, why] of BAD_COMPILE) {
      const run = () => serviceConfig({ compile: { [field]: value } });
      expect(run, `${field}=${String(value)}`).toThrow(RangeError);
      expect(run, `${field}=${String(value)}`).toThrow(`serviceConfig: compile.${field} must be ${why}`);
    }
  });

  it("refuses an admission or backtest deadline past a Node timer's limit (it would fire at once)", () => {
    for (const k of ["admissionTimeoutMs", "backtestTimeoutMs"] as const) {
      expect(() => serviceConfig({ [k]: 2 ** 31 })).toThrow(`serviceConfig: ${k} must be at most 2147483647 (a Node timer's limit), got 2147483648`);
      expect(serviceConfig({ [k]: 2 ** 31 - 1 })[k]).toBe(2 ** 31 - 1);
    }
  });

  it("keeps the defaults of the limits not given, and takes good ones", () => {
    expect(serviceConfig().compile).toEqual(DEFAULT_COMPILE_LIMITS);
    expect(serviceConfig({ compile: { maxCompilerMemoryMb: 256 } }).compile).toEqual({ ...DEFAULT_COMPILE_LIMITS, maxCompilerMemoryMb: 256 });
    expect(serviceConfig({ compile: { maxQueued: 0, timeoutMs: 2 ** 31 - 1 } }).compile).toMatchObject({ maxQueued: 0, timeoutMs: 2 ** 31 - 1 });
    // Absent: the compiler's own default.
    expect(serviceConfig({ compile: { ...DEFAULT_SERVICE_CONFIG.compile, maxCompilerMemoryMb: undefined } }).compile.maxCompilerMemoryMb).toBeUndefined();
  });

  it("ringfence serve: one line and exit 1, before the store is opened", async () => {
    const { run } = await import("../../../host/cli/commands/serve.ts");
    const dataDir = join(tmp, "data");
    bad.compile = { ...DEFAULT_COMPILE_LIMITS, maxCompilerMemoryMb: 0 };
    const err = await run(["--data", dataDir, "--port", "0"]).catch((e) => e);
    bad.compile = undefined;
    expect(err).toMatchObject({
      exitCode: 1,
      message: "serve: serviceConfig: compile.maxCompilerMemoryMb must be a positive integer, got 0",
    });
    expect(existsSync(dataDir)).toBe(false);
  });
});
