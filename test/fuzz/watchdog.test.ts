// The campaign watches its workers: a case that never returns, or kills
// its host thread, is reported (with its bytes) as a host-survives
// violation, and the campaign goes on with a fresh worker.
import { describe, expect, it } from "vitest";
import { skeletonBytes } from "../../host/fuzz/abiSkeleton.ts";
import { runCampaign } from "../../host/fuzz/campaign.ts";
import { baseCase } from "../../host/fuzz/fuzzCase.ts";
import { Invariant } from "../../host/fuzz/violation.ts";
import { distPath } from "../support/dist.ts";
import { examples } from "../unit/fuzz/fuzzSupport.ts";

describe("campaign watchdog", () => {
  it("reports a hung case and a crashed host thread, and finishes the rest", async () => {
    const bytes = skeletonBytes();
    const corpus = ["hang-forever", "quiet-1", "crash-thread", "quiet-2"].map((n) => ({ ...baseCase(n, "corpus", "planted", bytes, n), expect: { kind: "healthy" as const } }));
    const s = await runCampaign({
      seed: 1, seconds: 0, corpus, examples: examples(), workers: 1, ttf: false,
      workerScript: distPath("test/plantedFaults.worker.mjs"),
      // The hang never ends, so this bounds how long the test waits, not how fast anything must be.
      caseTimeoutMs: 3_000,
    });
    expect(s.corpusResults.map((r) => r.name).sort()).toEqual(["crash-thread", "hang-forever", "quiet-1", "quiet-2"]);
    expect(s.violations.map((v) => [v.caseName, v.invariant])).toEqual([
      ["hang-forever", Invariant.HostSurvives],
      ["crash-thread", Invariant.HostSurvives],
    ]);
    expect(s.violations[0].message).toMatch(/stopped responding/);
    expect(s.violations[1].message).toMatch(/exited with code 3/);
    expect(s.violations[0].bytes).toEqual(bytes);
  }, 120_000);
});
