import { describe, expect, it } from "vitest";
import { linePath, markerPath, niceAxis, stepPath } from "../../../host/report/svgChart.ts";

describe("niceAxis", () => {
  it("covers the range with round integer steps (1, 2 or 5 times a power of ten)", () => {
    for (const [lo, hi] of [[0, 9999], [-1234, 5678], [3, 3], [0, 0], [-7, -2], [10050, 10075], [0, 1], [-(2 ** 40), 2 ** 41]]) {
      const a = niceAxis(lo, hi);
      expect(a.min, `${lo}..${hi}`).toBeLessThanOrEqual(lo);
      expect(a.max).toBeGreaterThanOrEqual(hi);
      expect(a.max).toBeGreaterThan(a.min);
      expect(a.ticks[0]).toBe(a.min);
      expect(a.ticks[a.ticks.length - 1]).toBe(a.max);
      const step = a.ticks[1] - a.ticks[0];
      expect(Number.isInteger(step) && step >= 1).toBe(true);
      expect(String(step)).toMatch(/^[125]0*$/);
      if (hi - lo >= 4) expect(a.ticks.length - 1, `${lo}..${hi}: ${a.ticks}`).toBeGreaterThanOrEqual(3);
      expect(a.ticks.length).toBeLessThanOrEqual(12);
      for (const t of a.ticks) expect(Number.isSafeInteger(t)).toBe(true);
    }
    expect(niceAxis(0, 9999)).toEqual({ min: 0, max: 10000, ticks: [0, 2000, 4000, 6000, 8000, 10000] });
    expect(niceAxis(0, 29999, 5)).toEqual({ min: 0, max: 30000, ticks: [0, 5000, 10000, 15000, 20000, 25000, 30000] });
    expect(niceAxis(3, 3)).toEqual({ min: 2, max: 4, ticks: [2, 3, 4] });
  });
});

describe("paths", () => {
  const x = niceAxis(0, 100);
  const y = niceAxis(-10, 10);
  it("have one vertex per value", () => {
    const xs = [0, 10, 20, 30];
    const ys = [0, 5, -5, 10];
    const line = linePath(x, y, xs, ys);
    expect(line.match(/[ML]/g)).toHaveLength(4);
    expect(line.startsWith("M88.0 ")).toBe(true); // x = 0 sits on the plot's left edge
    expect(stepPath(x, y, xs, ys).match(/V/g)).toHaveLength(3);
    expect(markerPath(x, y, xs, ys, true).match(/M/g)).toHaveLength(4);
    expect(linePath(x, y, [], [])).toBe("");
  });
});
