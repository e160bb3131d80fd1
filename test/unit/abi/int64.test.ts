// i64 <-> number without BigInt: joinI64 must agree with BigInt on every
// (lo, hi) pair, in both the 32-bit fast paths and the general one, and
// whether lo/hi arrive signed (Int32Array) or unsigned (>>> 0).
import { describe, expect, it } from "vitest";
import { hi32, joinI64, lo32, readI64, writeI64 } from "../../../host/abi/int64.ts";
import { prng, testSeed } from "../../support/seed.ts";

/** What joinI64 documents: the value, or NaN outside [-2^53, 2^53 - 1] (what 53 bits of hi:lo can hold). */
function reference(lo: number, hi: number): number {
  const v = (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
  return v > 2n ** 53n - 1n || v < -(2n ** 53n) ? NaN : Number(v);
}

const EDGE_WORDS = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0x1fffff, 0x200000, -0x200000, -0x200001, 0xffff, 0x10000];

describe("int64 words", () => {
  it("joinI64 agrees with BigInt on edge and random words, signed or unsigned", () => {
    const seed = testSeed("joinI64 vs BigInt");
    const rand = prng(seed);
    const pairs: [number, number][] = [];
    for (const lo of EDGE_WORDS) for (const hi of EDGE_WORDS) pairs.push([lo, hi]);
    for (let i = 0; i < 50_000; i++) {
      const hi = rand() < 0.3 ? 0 : rand() < 0.5 ? -1 : (rand() * 2 ** 32) | 0;
      pairs.push([(rand() * 2 ** 32) | 0, hi]);
    }
    for (const [lo, hi] of pairs) {
      const want = reference(lo, hi);
      for (const [l, h] of [[lo, hi], [lo >>> 0, hi >>> 0], [lo >>> 0, hi], [lo, hi >>> 0]]) {
        const got = joinI64(l, h);
        if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) {
          throw new Error(`seed ${seed}: joinI64(${l}, ${h}) = ${got}, BigInt says ${want}`);
        }
      }
    }
    expect(pairs.length).toBeGreaterThan(50_000);
  });

  it("writeI64 then readI64 round-trips every safe integer tried, and lo32/hi32 split it", () => {
    const seed = testSeed("i64 round trip");
    const rand = prng(seed);
    const w = new Int32Array(2);
    const values = [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32), 2 ** 32 - 1, -(2 ** 32) + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 20_000; i++) values.push(Math.floor((rand() * 2 - 1) * 2 ** (1 + Math.floor(rand() * 53))));
    for (const v of values) {
      writeI64(w, 0, v);
      const got = readI64(w, 0);
      if (!Object.is(got, v === 0 ? 0 : v)) throw new Error(`seed ${seed}: ${v} read back as ${got}`);
      expect(joinI64(lo32(v), hi32(v))).toBe(v);
    }
  });
});
