// The SDK's integer maths, compiled from assembly/ and run in wasm. A
// strategy may export only the ABI, so the probe reads its inputs as params
// and logs its answers: isqrt against BigInt on edges, squares and seeded
// random values up to 2^53, and (in the guest) the floor-sqrt property on
// seeded random i64s across the whole range; emaStep against BigInt,
// including the periods below 1 that used to divide by zero.
import { describe, expect, it } from "vitest";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { prng, testSeed } from "../../support/seed.ts";
import { FakeHost } from "../strategies/fakeHost.ts";

const RANDOM_I64S = 20_000;

const SOURCE = `
import { isqrt, param, logLine } from "ringfence";
export * from "ringfence/exports";

export function rf_start(): void {
  const n = <i32>param("n", 0);
  for (let i = 0; i < n; i++) logLine().int(isqrt(param("v" + i.toString(), -1))).info();
  // r = isqrt(v) must satisfy r*r <= v < (r+1)*(r+1) (in u64: (r+1)^2 < 2^64).
  let s: u64 = <u64>param("seed", 1) | 1;
  let bad = 0;
  const m = <i32>param("m", 0);
  for (let i = 0; i < m; i++) {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    const v = <i64>(s >> (<u64>(i & 63) | 1));
    const r = <u64>isqrt(v);
    if (!(r * r <= <u64>v && (r + 1) * (r + 1) > <u64>v)) bad++;
  }
  logLine().text("bad ").int(bad).info();
}
`;

/** floor(sqrt(v)) by bisection in BigInt, 0 for v <= 0. */
function floorSqrt(v: bigint): bigint {
  if (v <= 0n) return 0n;
  let lo = 0n;
  let hi = 1n << 32n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (mid * mid <= v) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

describe("SDK isqrt", () => {
  it("is floor(sqrt(v)) on edges, squares and their neighbours, and seeded random values", async () => {
    const seed = testSeed("sdk isqrt");
    const rand = prng(seed);
    const values: number[] = [-(2 ** 53), -1, 0, 1, 2, 3, 4, 5, 2 ** 53 - 1, 2 ** 52, 2 ** 32, 2 ** 32 - 1];
    for (let k = 1; k < 2 ** 26; k = k * 3 + 1) values.push(k * k - 1, k * k, k * k + 1);
    for (let i = 0; i < 300; i++) values.push(Math.floor(rand() * 2 ** Math.floor(1 + rand() * 53)));
    const params = new Map<string, number>([["n", values.length], ["m", RANDOM_I64S], ["seed", 1 + Math.floor(rand() * 2 ** 40)]]);
    values.forEach((v, i) => params.set(`v${i}`, v));

    const { wasm } = await compileStrategySource(SOURCE, "isqrt", { target: "release" });
    const host = await FakeHost.instantiate(wasm, params);
    host.start();
    const lines = host.logs.map((l) => l.text);
    expect(lines).toHaveLength(values.length + 1);
    values.forEach((v, i) => expect(lines[i], `isqrt(${v})`).toBe(String(floorSqrt(BigInt(v)))));
    expect(lines[values.length]).toBe("bad 0");
  });
});

const EMA_SOURCE = `
import { emaStep, param, logLine } from "ringfence";
export * from "ringfence/exports";

export function rf_start(): void {
  const n = <i32>param("n", 0);
  for (let i = 0; i < n; i++) {
    const k = i.toString();
    logLine().int(emaStep(param("ema" + k, 0), param("value" + k, 0), param("period" + k, 0), <i32>param("shift" + k, 0))).info();
  }
  // Periods no param can carry exactly.
  logLine().int(emaStep(100 << 8, 50, i64.MIN_VALUE, 8)).info();
  logLine().int(emaStep(100 << 8, 50, i64.MAX_VALUE, 8)).info();
}
`;

/** The documented emaStep: alpha = 2 / (period + 1), a period below 1 counting as 1; i64 division truncates toward zero. */
function emaRef(ema: bigint, value: bigint, period: bigint, shift: bigint): bigint {
  const p = period < 1n ? 1n : period;
  return ema + (((value << shift) - ema) * 2n) / (p + 1n);
}

describe("SDK emaStep", () => {
  it("treats a period below 1 as 1 (the value itself) instead of trapping, and is the fixed-point EMA otherwise", async () => {
    const cases: [number, number, number, number][] = [
      [100 << 8, 50, -1, 8], [100 << 8, 50, 0, 8], [100 << 8, 50, 1, 8], [100 << 8, 50, -(2 ** 53), 8],
      [100 << 8, 50, 9, 8], [-(7 << 16), 3, 20, 16], [12345, -678, 2, 4], [1 << 8, 1, 2 ** 40, 8],
    ];
    const params = new Map<string, number>([["n", cases.length]]);
    cases.forEach(([ema, value, period, shift], i) => {
      params.set(`ema${i}`, ema); params.set(`value${i}`, value); params.set(`period${i}`, period); params.set(`shift${i}`, shift);
    });
    const { wasm } = await compileStrategySource(EMA_SOURCE, "ema");
    const host = await FakeHost.instantiate(wasm, params);
    host.start();
    const expected = cases.map(([ema, value, period, shift]) => String(emaRef(BigInt(ema), BigInt(value), BigInt(period), BigInt(shift))));
    // A period below 1: the average becomes the value (50 << 8).
    expect(expected.slice(0, 2)).toEqual(["12800", "12800"]);
    expect(host.logs.map((l) => l.text)).toEqual([...expected, "12800", "25600"]);
  });
});
