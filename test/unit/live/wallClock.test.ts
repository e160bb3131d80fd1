import { describe, expect, it } from "vitest";
import { hotWallMs, wallMs } from "../../../host/live/wallClock.ts";

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

  it("hotWallMs (performance.now plus a calibrated offset) reads the same clock as wallMs, to within a few µs", () => {
    // Bracket a hot read between two wallMs reads; the tightest bracket of a
    // few bounds the calibration error (preemption only widens a bracket).
    let worst = Infinity;
    for (let k = 0; k < 50; k++) {
      const before = wallMs();
      const hot = hotWallMs();
      const after = wallMs();
      const outside = Math.max(before - hot, hot - after, 0);
      worst = Math.min(worst, outside);
    }
    expect(worst).toBeLessThan(0.005); // ms: 5 µs, far above the calibration's tens of ns
    let last = hotWallMs();
    for (let i = 0; i < 10_000; i++) {
      const t = hotWallMs();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});
