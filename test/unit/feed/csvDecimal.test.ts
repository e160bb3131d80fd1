/** Decimal text → integer ticks/lots, exactly (host/feed/csv/decimalTicks.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDecimals, decimalPlaces, decimalToUnits, parseDecimal, type ParsedDecimal } from "../../../host/feed/csv/decimalTicks.ts";
import { testSeed } from "../../support/seed.ts";

function parsed(text: string): ParsedDecimal {
  const d = parseDecimal(text);
  if (typeof d === "string") throw new Error(`${text}: ${d}`);
  return d;
}

describe("parseDecimal", () => {
  it("splits plain decimals into significant digits", () => {
    expect(parsed("100.50")).toEqual({ negative: false, intDigits: "100", fracDigits: "5" });
    expect(parsed("-0.25")).toEqual({ negative: true, intDigits: "", fracDigits: "25" });
    expect(parsed("+7")).toEqual({ negative: false, intDigits: "7", fracDigits: "" });
    expect(parsed(".5")).toEqual({ negative: false, intDigits: "", fracDigits: "5" });
    expect(parsed("100.")).toEqual({ negative: false, intDigits: "100", fracDigits: "" });
    expect(parsed("-0.000")).toEqual({ negative: false, intDigits: "", fracDigits: "" }); // -0 is 0
    expect(parsed("000123.4500")).toEqual({ negative: false, intDigits: "123", fracDigits: "45" });
  });

  it("counts significant decimal places (trailing zeros do not count)", () => {
    expect(decimalPlaces(parsed("100.50"))).toBe(1);
    expect(decimalPlaces(parsed("100.00"))).toBe(0);
    expect(decimalPlaces(parsed("0.001"))).toBe(3);
    expect(decimalPlaces(parsed("0.000000001"))).toBe(9);
  });

  it("refuses what is not a plain decimal, saying why", () => {
    expect(parseDecimal("")).toBe("is empty");
    expect(parseDecimal("1e5")).toMatch(/scientific notation/);
    expect(parseDecimal("1.5E-3")).toMatch(/scientific notation/);
    for (const bad of ["1,000", "NaN", "inf", "-", ".", "+.", "1.2.3", "0x10", "1 000", "$5", "--1", "١٢"]) {
      expect(parseDecimal(bad), bad).toMatch(/is not a decimal number/);
    }
  });
});

describe("decimalToUnits", () => {
  it("moves the point by string work, so values floats get wrong come out exact", () => {
    expect(decimalToUnits(parsed("0.29"), 2)).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(decimalToUnits(parsed("1.005"), 3)).toBe(1005);
    expect(decimalToUnits(parsed("4.35"), 2)).toBe(435); // 4.35 * 100 = 434.99999999999994
    expect(decimalToUnits(parsed("100.5"), 2)).toBe(10050);
    expect(decimalToUnits(parsed("100.500"), 1)).toBe(1005); // trailing zeros are not precision
    expect(decimalToUnits(parsed("-0.25"), 4)).toBe(-2500);
    expect(decimalToUnits(parsed("0"), 9)).toBe(0);
    expect(decimalToUnits(parsed("9007199254740991"), 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(decimalToUnits(parsed("9007199.254740991"), 9)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses more places than asked for, and results beyond 2^53", () => {
    expect(decimalToUnits(parsed("1.125"), 2)).toBe("has 3 decimals, more than 2");
    expect(decimalToUnits(parsed("9007199254740992"), 0)).toMatch(/beyond 2\^53/);
    expect(decimalToUnits(parsed("10000000"), 9)).toMatch(/beyond 2\^53 units at 9 decimals/);
    expect(decimalToUnits(parsed("123456789012345678"), 0)).toMatch(/beyond 2\^53/);
  });

  it("agrees with BigInt arithmetic on random decimals (fast-check, seeded)", () => {
    const seed = testSeed("decimalToUnits vs BigInt");
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 }), (units, decimals, extraZeros) => {
        const abs = (units < 0n ? -units : units).toString().padStart(decimals + 1, "0");
        const text = `${units < 0n ? "-" : ""}${decimals === 0 ? abs : `${abs.slice(0, -decimals)}.${abs.slice(-decimals)}`}${decimals > 0 ? "0".repeat(extraZeros) : ""}`;
        const v = decimalToUnits(parsed(text), decimals);
        if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER)) expect(v).toMatch(/beyond 2\^53/);
        else expect(v).toBe(Number(units));
      }),
      { seed, numRuns: 2000 },
    );
  });
});

describe("compareDecimals", () => {
  it("orders decimals exactly, whatever their places (fast-check against BigInt, seeded)", () => {
    const seed = testSeed("compareDecimals vs BigInt");
    const dec = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }));
    const text = ([u, p]: [bigint, number]): string => {
      const abs = (u < 0n ? -u : u).toString().padStart(p + 1, "0");
      return `${u < 0n ? "-" : ""}${p === 0 ? abs : `${abs.slice(0, -p)}.${abs.slice(-p)}`}`;
    };
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        const scale = (x: [bigint, number]) => x[0] * 10n ** BigInt(6 - x[1]);
        const want = Math.sign(Number(scale(a) - scale(b)));
        expect(Math.sign(compareDecimals(parsed(text(a)), parsed(text(b))))).toBe(want);
      }),
      { seed, numRuns: 2000 },
    );
    expect(compareDecimals(parsed("100.50"), parsed("100.5"))).toBe(0);
    expect(compareDecimals(parsed("-0"), parsed("0"))).toBe(0);
  });
});
