import { describe, expect, it } from "vitest";
import { wallMs } from "../../../host/live/wallClock.ts";

describe("wallMs: the telemetry clock shared by the feed and the workers", () => {
  it("keeps sub-nanosecond resolution in its value (epoch milliseconds would step by 244 ns)", () => {
    // The spacing between adjacent doubles near the value must be far below the latencies it measures.
    expect(wallMs() * Number.EPSILON).toBeLessThan(1e-6);
  });

  it("never goes backwards and moves in step with performance.now()", () => {
    const offset = () => wallMs() - performance.now();
    const d0 = offset();
    let last = wallMs();
    for (let i = 0; i < 10_000; i++) {
      const t = wallMs();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    // Same thread: one base, so the offset only differs by the gap between two reads.
    expect(Math.abs(offset() - d0)).toBeLessThan(0.01);
  });
});
