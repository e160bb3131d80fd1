/** The token bucket with an injected clock: burst, refill, per-id independence, idle buckets dropped. */
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../host/service/auth/rateLimiter.ts";

describe("RateLimiter", () => {
  it("allows a burst, then refills at the rate, per id", () => {
    let now = 1_000;
    const r = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => r.take("a").allowed)).toEqual([true, true, true, false]);
    expect(r.take("a").retryAfterS).toBe(1);
    expect(r.take("b").allowed).toBe(true);
    now += 499;
    expect(r.take("a").allowed).toBe(false);
    now += 2;
    expect(r.take("a").allowed).toBe(true);
    expect(r.take("a").allowed).toBe(false);
    now += 10_000; // idle long enough to be full: swept, and a full bucket again
    expect(r.take("c").allowed).toBe(true);
    expect(r.size).toBe(1);
    expect([1, 2, 3, 4].map(() => r.take("a").allowed)).toEqual([true, true, true, false]);
  });

  it("refuses nonsense limits at construction", () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 }, () => 0)).toThrow(/perSecond/);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0 }, () => 0)).toThrow(/burst/);
  });
});
