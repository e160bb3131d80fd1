/** CSV timestamps → i64 ns (host/feed/csv/csvTime.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTimeNs, isEpochText, MAX_TIME_NS, parseEpochNs, parseIsoNs, unitByMagnitude, writeTimeNs } from "../../../host/feed/csv/csvTime.ts";
import { timeNsToBigInt } from "../../../host/feed/timeNs.ts";
import { testSeed } from "../../support/seed.ts";

function iso(text: string): bigint {
  const t = parseIsoNs(text);
  if (typeof t === "string") throw new Error(t);
  return t.ns;
}

const T0 = 1767623400n * 1_000_000_000n; // 2026-01-05T14:30:00Z

describe("parseIsoNs", () => {
  it("reads Z, offsets, zone-less (UTC), a space for T, and fractions down to 1 ns", () => {
    expect(iso("2026-01-05T14:30:00Z")).toBe(T0);
    expect(iso("2026-01-05 14:30:00")).toBe(T0);
    expect(iso("2026-01-05t14:30:00z")).toBe(T0);
    expect(iso("2026-01-05T15:30:00+01:00")).toBe(T0);
    expect(iso("2026-01-05T09:00:00-0530")).toBe(T0);
    expect(iso("2026-01-05T16:30:00+02")).toBe(T0);
    expect(iso("2026-01-05T14:30:00.000000001Z")).toBe(T0 + 1n);
    expect(iso("2026-01-05T14:30:00.5Z")).toBe(T0 + 500_000_000n);
    expect(iso("2026-01-05T14:30:00,123456Z")).toBe(T0 + 123_456_000n);
    expect(iso("2026-01-05T14:30:00.1234567890000Z")).toBe(T0 + 123_456_789n); // trailing zeros are not precision
    expect((parseIsoNs("2026-01-05T14:30:00") as { zoned: boolean }).zoned).toBe(false);
    expect((parseIsoNs("2026-01-05T14:30:00Z") as { zoned: boolean }).zoned).toBe(true);
    expect(iso("1970-01-01T00:00:00Z")).toBe(0n);
    expect(iso("2262-04-11T23:47:16.854775807Z")).toBe(MAX_TIME_NS);
  });

  it("knows the calendar: leap years, month lengths", () => {
    expect(iso("2024-02-29T00:00:00Z")).toBe(BigInt(Date.UTC(2024, 1, 29)) * 1_000_000n);
    expect(iso("2000-02-29T00:00:00Z")).toBe(BigInt(Date.UTC(2000, 1, 29)) * 1_000_000n);
    expect(parseIsoNs("2025-02-29T00:00:00Z")).toMatch(/has day 29, not in 2025-02/);
    expect(parseIsoNs("1900-02-29T00:00:00Z")).toMatch(/has day 29/);
    expect(parseIsoNs("2026-04-31T00:00:00Z")).toMatch(/has day 31/);
    expect(parseIsoNs("2026-13-01T00:00:00Z")).toMatch(/has month 13/);
    expect(parseIsoNs("2026-01-01T24:00:00Z")).toMatch(/has time 24:00/);
    expect(parseIsoNs("2016-12-31T23:59:60Z")).toMatch(/leap second/);
    expect(parseIsoNs("2026-01-05T14:30:00.1234567891Z")).toMatch(/finer than 1 ns/);
    expect(parseIsoNs("2026-01-05T14:30:00+24:00")).toMatch(/zone offset/);
    expect(parseIsoNs("1969-12-31T23:59:59Z")).toMatch(/before 1970/);
    expect(parseIsoNs("2262-04-11T23:47:16.854775808Z")).toMatch(/after 2262/);
    for (const bad of ["2026-01-05", "2026-01-05T14:30Z", "05/01/2026 14:30:00", "2026-1-5T14:30:00Z", "now", ""]) {
      expect(parseIsoNs(bad), bad).toMatch(/is not an ISO-8601 time/);
    }
  });

  it("agrees with Date.UTC at millisecond times and round-trips through timeNsToIso at ns (fast-check, seeded)", () => {
    const seed = testSeed("parseIsoNs");
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_TIME_NS }), (ns) => {
        const text = formatTimeNs(ns);
        expect(iso(text)).toBe(ns);
        const ms = ns / 1_000_000n;
        expect(iso(new Date(Number(ms)).toISOString())).toBe(ms * 1_000_000n);
      }),
      { seed, numRuns: 3000 },
    );
  });
});

describe("epoch numbers", () => {
  it("detects the unit from the magnitude", () => {
    expect(unitByMagnitude("1767623400")).toBe("s");
    expect(unitByMagnitude("1767623400.123456789")).toBe("s");
    expect(unitByMagnitude("0")).toBe("s");
    expect(unitByMagnitude("1767623400000")).toBe("ms");
    expect(unitByMagnitude("1767623400000000")).toBe("us");
    expect(unitByMagnitude("1767623400000000000")).toBe("ns");
    expect(unitByMagnitude("17676234000000000000")).toMatch(/20 digits, too many/);
  });

  it("converts each unit exactly, fractions included", () => {
    expect(parseEpochNs("1767623400", "s")).toBe(T0);
    expect(parseEpochNs("1767623400.000000001", "s")).toBe(T0 + 1n);
    expect(parseEpochNs("1767623400123.456", "ms")).toBe(T0 + 123_456_000n);
    expect(parseEpochNs("1767623400000001", "us")).toBe(T0 + 1_000n);
    expect(parseEpochNs("1767623400000000007", "ns")).toBe(T0 + 7n);
    expect(parseEpochNs("1767623400.5000", "s")).toBe(T0 + 500_000_000n);
    expect(parseEpochNs("1767623400.0000000001", "s")).toMatch(/finer than 1 ns/);
    expect(parseEpochNs("1767623400000000000.5", "ns")).toMatch(/finer than 1 ns/);
    expect(parseEpochNs("-1", "s")).toMatch(/negative/);
    expect(parseEpochNs("9223372036854775808", "ns")).toMatch(/after 2262/);
    expect(parseEpochNs("9223372036854775807", "ns")).toBe(MAX_TIME_NS);
    expect(parseEpochNs("1e9", "s")).toMatch(/not an epoch number/);
    expect(isEpochText("1767623400.5")).toBe(true);
    expect(isEpochText("2026-01-05")).toBe(false);
  });
});

describe("writeTimeNs", () => {
  it("writes (lo, hi) words that read back as the same i64 (fast-check, seeded)", () => {
    const seed = testSeed("writeTimeNs");
    const words = new Int32Array(4);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_TIME_NS }), (ns) => {
        writeTimeNs(words, 1, ns);
        expect(timeNsToBigInt(words[1], words[2])).toBe(ns);
      }),
      { seed, numRuns: 2000 },
    );
  });
});
