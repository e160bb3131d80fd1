import { describe, expect, it } from "vitest";
import { DeferredSamples, newHistogram } from "../../../host/live/telemetry.ts";

describe("DeferredSamples: stage samples held on the hot path, recorded after the batch", () => {
  it("records nothing until flush, then every held value once", () => {
    const d = new DeferredSamples(newHistogram());
    d.recordValue(700);
    d.recordValue(1_500);
    expect(d.histogram.totalCount).toBe(0);
    d.flush();
    expect(d.histogram.totalCount).toBe(2);
    expect(d.histogram.maxValue).toBeGreaterThanOrEqual(1_499);
    d.flush();
    expect(d.histogram.totalCount).toBe(2);
  });

  it("holds at most 64 between flushes and drops the rest (they are samples)", () => {
    const d = new DeferredSamples(newHistogram());
    for (let i = 1; i <= 100; i++) d.recordValue(i);
    d.flush();
    expect(d.histogram.totalCount).toBe(64);
    expect(d.histogram.maxValue).toBe(64);
  });
});
