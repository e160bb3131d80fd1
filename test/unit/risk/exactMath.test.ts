import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareProducts, compareRatios } from "../../../host/risk/exactMath.ts";
import { testSeed } from "../../support/seed.ts";

const sign = (b: bigint) => (b > 0n ? 1 : b < 0n ? -1 : 0);
const MAX = Number.MAX_SAFE_INTEGER;
const nat = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.maxSafeNat(), fc.constantFrom(MAX, MAX - 1, 2 ** 52, 2 ** 52 + 1, 10_000));
const pos = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: MAX }), fc.constantFrom(MAX, 2 ** 52 + 1, 10_000));

describe("exactMath", () => {
  it("compareProducts agrees with BigInt for any non-negative safe integers", () => {
    const seed = testSeed("exactMath.compareProducts");
    fc.assert(
      fc.property(nat, nat, nat, nat, (a, b, c, d) => {
        expect(compareProducts(a, b, c, d)).toBe(sign(BigInt(a) * BigInt(b) - BigInt(c) * BigInt(d)));
      }),
      { seed, numRuns: 5_000 },
    );
  });

  it("compareRatios agrees with BigInt cross-multiplication", () => {
    const seed = testSeed("exactMath.compareRatios");
    fc.assert(
      fc.property(nat, pos, nat, pos, (a, b, c, d) => {
        expect(compareRatios(a, b, c, d)).toBe(sign(BigInt(a) * BigInt(d) - BigInt(c) * BigInt(b)));
      }),
      { seed, numRuns: 5_000 },
    );
  });

  it("gets right the cases doubles get wrong", () => {
    // (2^53 - 1) * 3 = 27021597764222973 rounds to the double 27021597764222972 = 6755399441055743 * 4.
    expect(MAX * 3 === 6755399441055743 * 4).toBe(true); // the float trap this module exists for
    expect(compareProducts(MAX, 3, 6755399441055743, 4)).toBe(1);
    expect(compareProducts(6755399441055743, 4, MAX, 3)).toBe(-1);
    expect(compareProducts(MAX, MAX, MAX - 1, MAX)).toBe(1);
    expect(compareProducts(MAX, MAX, MAX, MAX)).toBe(0);
    expect(compareProducts(0, MAX, 0, 0)).toBe(0);
    expect(compareProducts(0, MAX, MAX, MAX)).toBe(-1);
  });
});
