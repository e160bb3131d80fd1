import { describe, expect, it } from "vitest";
import { wallMs } from "../../../host/live/wallClock.ts";

describe("wallMs: the telemetry clock shared by the feed and the workers", () => {
  it("keeps sub-nanosecond resolution in its value (epoch milliseconds would step by 244 ns)", () => {
    // The spacing between adjacent doubles near the value must be far below the latencies it measures.
    expect(wallMs() * Number.EPSILON).toBeLessThan(1e-6);
  });

  it("never goes backwards and moves in step with performance.now()", () => {
    // wallMs() - performance.now() is the base minus the gap between the
    // two reads; the largest of a few is the base (a preempted read only
    // widens the gap).
    const offset = () => {
      let best = -Infinity;
      for (let k = 0; k < 20; k++) best = Math.max(best, wallMs() - performance.now());
      return best;
    };
    const d0 = offset();
    let last = wallMs();
    for (let i = 0; i < 10_000; i++) {
      const t = wallMs();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    // Same thread: one base.
    expect(Math.abs(offset() - d0)).toBeLessThan(0.01);
  });
});
