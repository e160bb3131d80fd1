// The hostile corpus (test/fuzz/corpus/): every case does what its header
// declares and breaks none of the invariants of docs/fuzzing.md. Cases run
// in fuzz workers behind the campaign's watchdog, so a case that hangs its
// host fails here as a host-survives violation instead of hanging CI.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { describeViolation, runCampaign, type CampaignSummary } from "../../host/fuzz/campaign.ts";
import { FaultKind } from "../../host/sandbox/faults.ts";
import { corpus, examples, fuzzWorkerScript } from "../unit/fuzz/fuzzSupport.ts";

const cases = corpus();
let summary: CampaignSummary;

beforeAll(async () => {
  summary = await runCampaign({ seed: 0, seconds: 0, corpus: cases, examples: examples(), workerScript: fuzzWorkerScript(), workers: 2, ttf: false, caseTimeoutMs: 30_000 });
}, 180_000);

describe("hostile corpus", () => {
  it("holds at least 50 distinct behaviours, each named for what it tries and declaring its outcome", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const digests = new Set(cases.map((c) => createHash("sha256").update(c.bytes).digest("hex")));
    expect(digests.size, "two corpus files are the same module").toBe(cases.length);
    for (const c of cases) {
      expect(c.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.(wat|hex|mutate)$/);
      expect(c.tries.length, `${c.name} says what it tries`).toBeGreaterThan(10);
    }
  });

  it("covers every backtest fault kind, many rejection codes, healthy runs and risk denials", () => {
    const faults = new Set(cases.flatMap((c) => (c.expect.kind === "fault" ? [c.expect.fault] : [])));
    for (const k of [FaultKind.OutOfFuel, FaultKind.CallDepth, FaultKind.MemoryLimit, FaultKind.Trap, FaultKind.BadHostCall, FaultKind.Abort, FaultKind.Abi]) {
      expect(faults, `no corpus case expects ${k}`).toContain(k);
    }
    const codes = new Set(cases.flatMap((c) => (c.expect.kind === "reject" ? c.expect.codes : [])));
    expect(codes.size).toBeGreaterThanOrEqual(25);
    expect(cases.filter((c) => c.expect.kind === "healthy").length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.reportChecks.some((r) => r.path.startsWith("denials."))).length).toBeGreaterThanOrEqual(5);
    // Every callback and the start function get an infinite loop and a trap.
    for (const cb of ["rf_start", "rf_on_market", "rf_on_order", "rf_on_timer", "rf_stop"]) {
      for (const kind of [FaultKind.OutOfFuel, FaultKind.Trap]) {
        expect(cases.some((c) => c.expect.kind === "fault" && c.expect.fault === kind && c.expect.callback === cb), `${kind} in ${cb}`).toBe(true);
      }
    }
  });

  it("ran every case", () => {
    expect(summary.corpus).toBe(cases.length);
    expect(summary.corpusResults.map((r) => r.name).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const r = summary.corpusResults.find((x) => x.name === name);
    expect(r, `${name} has no result`).toBeDefined();
    if (c.knownBug) {
      // Still broken: if this fails, the engine bug is fixed — remove the `known-bug:` header.
      const known = summary.knownViolations.filter((v) => v.caseName === name);
      expect(known.length, `${name} no longer reproduces its known bug (${c.knownBug}): remove the known-bug header`).toBeGreaterThan(0);
      return;
    }
    const lines = summary.violations.filter((v) => v.caseName === name).map(describeViolation);
    expect(lines).toEqual([]);
  });
});
