/**
 * Smoke tests of `ringfence bench latency|throughput`: tiny sample counts,
 * real workers from dist/, and the JSON shape the README and bench/RESULTS.md
 * promise. No timing is asserted — only structure, counts and that no order
 * was denied or event lost.
 */
import { describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../../support/cli.ts";

const REQUIRED = ["floor", "ringSpin", "ringHybrid", "postMessage", "piscina"];
const EXTRA = ["ringBare", "postMessagePoll"];

function positiveInt(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0;
}

describe("ringfence bench latency", () => {
  it("--json prints every mechanism with ordered percentiles and exact sample counts", () => {
    const r = runCli(["bench", "latency", "--json", "--rounds", "2", "--samples", "40", "--warmup", "10", "--fresh-warmup", "10"], { timeoutMs: 180_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    expect(Object.keys(result).sort()).toEqual([...REQUIRED, ...EXTRA].sort());
    for (const name of [...REQUIRED, ...EXTRA]) {
      const m = result[name];
      for (const field of ["p50Ns", "p99Ns", "p999Ns", "maxNs", "samples"]) expect(positiveInt(m[field]), `${name}.${field}=${m[field]}`).toBe(true);
      expect(m.samples, name).toBe(80);
      expect(m.p50Ns <= m.p99Ns && m.p99Ns <= m.p999Ns && m.p999Ns <= m.maxNs, `${name} percentiles out of order`).toBe(true);
      expect(m.denied, name).toBe(0);
      // The ratio to postMessage at p50, to one decimal (a loaded machine can push it to 0.0).
      expect(m.p50SpeedupVsPostMessage, name).toBe(Math.round((result.postMessage.p50Ns / m.p50Ns) * 10) / 10);
    }
    expect(result.postMessage.p50SpeedupVsPostMessage).toBe(1);
  }, 180_000);

  it.each([["--samples", "0"], ["--fresh-warmup", "-1"], ["--fresh-warmup", "x"]])("a bad flag is a usage error: exit 2, one line, no stack (%s %s)", (flag, value) => {
    const r = runCli(["bench", "latency", flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(flag);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe("ringfence bench throughput", () => {
  it("--json prints events/s of the strategy path plus the ring alone and in-process, nothing lost", () => {
    const r = runCli(["bench", "throughput", "--json", "--events", "30000", "--warmup", "2000", "--rounds", "1", "--batch", "64"], { timeoutMs: 180_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown> & Record<"strategy" | "ringOnly" | "inProcess", Record<string, unknown>>;
    expect(positiveInt(result.eventsPerSec)).toBe(true);
    expect(result.eventsPerSec).toBe(result.strategy.eventsPerSec);
    expect(result.batch).toBe(64);
    expect(result.events).toBe(30_000);
    expect(result.wallMs).toBeGreaterThan(0);
    for (const v of ["strategy", "ringOnly", "inProcess"] as const) {
      expect(result[v].events, v).toBe(30_000);
      expect(positiveInt(result[v].eventsPerSec), v).toBe(true);
      expect(result[v].rounds, v).toHaveLength(1);
    }
  }, 180_000);

  it("a bad flag is a usage error: exit 2, one line, no stack", () => {
    const r = runCli(["bench", "throughput", "--batch", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
