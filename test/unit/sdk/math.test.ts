// The SDK's integer maths, compiled from assembly/ and run in wasm. A
// strategy may export only the ABI, so the probe reads its inputs as params
// and logs its answers: isqrt against BigInt on edges, squares and seeded
// random values up to 2^53, and (in the guest) the floor-sqrt property on
// seeded random i64s across the whole range.
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
