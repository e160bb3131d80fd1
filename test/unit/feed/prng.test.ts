import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../host/feed/prng.ts";

describe("Xoshiro128", () => {
  it("matches the reference C xoshiro128** from state (1, 2, 3, 4)", () => {
    // Output of the reference implementation (prng.di.unimi.it/xoshiro128starstar.c).
    const g = Xoshiro128.fromState(1, 2, 3, 4);
    const got = Array.from({ length: 8 }, () => g.nextU32());
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it("gives the same stream for the same seed and different streams for different seeds", () => {
    const draw = (seed: number) => {
      const g = new Xoshiro128(seed);
      return Array.from({ length: 16 }, () => g.nextU32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    // Both 32-bit halves of a large seed matter.
    expect(draw(2 ** 40 + 5)).not.toEqual(draw(5));
    expect(draw(0)).not.toEqual(draw(1));
    expect(new Set(draw(0)).size).toBeGreaterThan(14);
  });

  it("below(n) stays in [0, n) and covers it about evenly", () => {
    const g = new Xoshiro128(7);
    for (const n of [1, 2, 3, 10, 1000, 2 ** 21]) {
      for (let i = 0; i < 2000; i++) {
        const v = g.below(n);
        expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
      }
    }
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[g.below(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // ~5 sd
  });

  it("chancePpm hits about ppm / 1e6 of the time, never for 0, always for 1e6", () => {
    const g = new Xoshiro128(9);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (g.chancePpm(250_000)) hits++;
    expect(Math.abs(hits - 25_000)).toBeLessThan(700);
    for (let i = 0; i < 1000; i++) {
      expect(g.chancePpm(0)).toBe(false);
      expect(g.chancePpm(1_000_000)).toBe(true);
    }
  });

  it("refuses a seed that is not a safe integer", () => {
    expect(() => new Xoshiro128(1.5)).toThrow(/seed=1.5/);
    expect(() => new Xoshiro128(2 ** 60)).toThrow(RangeError);
  });
});
